import CLI

SkupperCommand.runMain()

import CLI
SkupperCommand.main()

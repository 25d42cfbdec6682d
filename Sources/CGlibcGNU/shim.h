/* glibc's GNU extensions that the agent's child processes and threads use. Its headers declare them only under
   _GNU_SOURCE, which Swift's Glibc module is built without; the declarations are glibc's own. */
#include <pthread.h>
#include <spawn.h>
#include <sys/eventfd.h>

int pipe2(int pipefd[2], int flags);
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *file_actions, int from);
int pthread_setname_np(pthread_t thread, const char *name);

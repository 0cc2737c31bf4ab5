// Linux calls the Glibc module does not bring: extended attributes (overlayfs markers), and a spawn whose child
// cannot outlive the thread that started it.
#include <sys/xattr.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>
#include <fcntl.h>

/// fork + execve of a child that gets SIGKILL when the calling thread ends — including when the whole process is
/// killed with SIGKILL — so a helper (Envoy) never outlives the daemon that owns it. The caller's thread must stay
/// alive while the child should run (PR_SET_PDEATHSIG follows the thread, not the process). The child gets its own
/// session when `new_session` is set, /dev/null as input, `output_fd` as output and error, no other descriptors,
/// and default signal handling. Only async-signal-safe calls run between fork and exec. Returns the pid, or -1.
static inline pid_t slipway_spawn_bound(const char *path, char *const argv[], char *const envp[], int output_fd, int new_session) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (new_session) setsid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) _exit(126);
    // The parent may have died between fork and prctl: then nothing would ever signal this child.
    if (getppid() != parent) _exit(126);
    int input = open("/dev/null", O_RDONLY);
    if (input < 0 || dup2(input, 0) < 0 || dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0) _exit(126);
    syscall(SYS_close_range, 3U, ~0U, 0U);
    struct sigaction standard;
    standard.sa_handler = SIG_DFL;
    standard.sa_flags = 0;
    sigemptyset(&standard.sa_mask);
    for (int number = 1; number < NSIG; number++) sigaction(number, &standard, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(path, argv, envp);
    _exit(127);
}

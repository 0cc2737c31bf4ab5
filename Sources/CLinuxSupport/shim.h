// Linux calls the Glibc module does not bring: extended attributes (overlayfs markers), a spawn whose child cannot
// outlive the thread that started it, and a signal handler (which Swift cannot write: it must be async-signal-safe).
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

#include <errno.h>

/// The write end of the pipe `slipway_signal_pipe` hands termination signals to; -1 until it is installed.
static int slipway_signal_write_end = -1;

/// Writes the signal's number to the pipe: write(2) is async-signal-safe, and errno is put back for the code the
/// signal interrupted. A full pipe drops the byte rather than block inside a handler.
static void slipway_signal_to_pipe(int number) {
    int saved = errno;
    unsigned char byte = (unsigned char)number;
    ssize_t written = write(slipway_signal_write_end, &byte, 1);
    (void)written;
    errno = saved;
}

/// Handles SIGINT and SIGTERM with a real handler that writes each signal's number to a pipe, and returns the pipe's
/// read end (or -1). Unlike ignoring a signal and waiting for it elsewhere, a handled signal is never discarded: the
/// kernel delivers it to whichever thread does not block it. A handled signal goes back to its default action in a
/// child at execve, so steps and helpers start with standard signal handling.
static inline int slipway_signal_pipe(void) {
    int ends[2];
    if (pipe(ends) != 0) return -1;
    if (fcntl(ends[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(ends[1], F_SETFD, FD_CLOEXEC) != 0
        || fcntl(ends[1], F_SETFL, O_NONBLOCK) != 0) {
        close(ends[0]);
        close(ends[1]);
        return -1;
    }
    slipway_signal_write_end = ends[1];
    struct sigaction handled;
    handled.sa_handler = slipway_signal_to_pipe;
    handled.sa_flags = SA_RESTART;
    sigemptyset(&handled.sa_mask);
    if (sigaction(SIGINT, &handled, NULL) != 0 || sigaction(SIGTERM, &handled, NULL) != 0) return -1;
    return ends[0];
}

/// Unblocks SIGINT and SIGTERM in the calling thread. Threads inherit the mask of the thread that starts them, and the
/// threads of Swift's cooperative pool block both: a thread that must receive them unblocks them first.
static inline int slipway_unblock_termination_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

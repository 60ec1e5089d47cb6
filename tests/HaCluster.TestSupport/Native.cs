using System.ComponentModel;
using System.Runtime.InteropServices;

namespace HaCluster.TestSupport;

/// <summary>The few libc calls the lab needs that .NET does not expose.</summary>
internal static partial class Native
{
    private const int CloneNewNet = 0x40000000;
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends a signal; returns false when the process is already gone.</summary>
    public static bool Kill(int pid, int signo)
    {
        if (kill(pid, signo) == 0)
            return true;
        var errno = Marshal.GetLastPInvokeError();
        return errno == NoSuchProcess ? false : throw new Win32Exception(errno, $"kill({pid}, {signo})");
    }

    public static uint EffectiveUserId() => geteuid();

    /// <summary>Runs <paramref name="action"/> on a fresh thread switched into the named network namespace.</summary>
    /// <remarks>Only the network namespace of that one thread changes; sockets created there stay in it.</remarks>
    public static T InNetworkNamespace<T>(string ns, Func<T> action)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunSwitched(ns, action);
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? result! : throw new InvalidOperationException($"cannot run in netns {ns}: {error.Message}", error);
    }

    private static T RunSwitched<T>(string ns, Func<T> action)
    {
        var self = OpenOrThrow("/proc/thread-self/ns/net");
        try
        {
            var target = OpenOrThrow($"/run/netns/{ns}");
            try
            {
                Check(setns(target, CloneNewNet), $"setns({ns})");
            }
            finally
            {
                close(target);
            }
            try
            {
                return action();
            }
            finally
            {
                // The thread ends right after, but never leave it in the wrong namespace.
                Check(setns(self, CloneNewNet), "setns(back)");
            }
        }
        finally
        {
            close(self);
        }
    }

    private static int OpenOrThrow(string path)
    {
        var fd = open(path, OpenReadOnlyCloseOnExec);
        Check(fd, $"open({path})");
        return fd;
    }

    /// <summary>CPU time this thread has used (CLOCK_THREAD_CPUTIME_ID): what a piece of work costs, whoever else runs.</summary>
    public static TimeSpan ThreadCpuTime()
    {
        Check(clock_gettime(3, out var now), "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        return TimeSpan.FromTicks((now.Seconds * TimeSpan.TicksPerSecond) + (now.Nanoseconds / 100));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int clock_gettime(int clock, out Timespec now);

    private static void Check(int rc, string what)
    {
        if (rc < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), what);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}

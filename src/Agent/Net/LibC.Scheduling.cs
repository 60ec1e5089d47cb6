using System.Runtime.InteropServices;

namespace HaCluster.Agent.Net;

/// <summary>libc's scheduling, limits, memory locking and precise waits: what real-time VRRP needs.</summary>
internal static partial class LibC
{
    public const int SCHED_OTHER = 0;
    public const int SCHED_RR = 2;
    public const int SCHED_RESET_ON_FORK = 0x40000000;
    public const int RLIMIT_MEMLOCK = 8;
    public const int RLIMIT_RTPRIO = 14;
    public const int RLIMIT_RTTIME = 15;
    public const ulong RLIM_INFINITY = ulong.MaxValue;
    public const int MCL_CURRENT = 1;
    public const int MCL_FUTURE = 2;
    public const int MCL_ONFAULT = 4;
    public const int PR_SET_TIMERSLACK = 29;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;
    public const short POLLIN = 1;
    public const short POLLERR = 8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;
    public const short POLLRDHUP = 0x2000;
    public const int EINTR = 4;
    public const int CLOCK_MONOTONIC = 1;
    public const int EAGAIN = 11;

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int GetTid();

    /// <summary>sched_setscheduler(tid, policy, &amp;priority): struct sched_param is one int.</summary>
    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SchedSetScheduler(int tid, int policy, in int priority);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int tid, nuint size, ReadOnlySpan<ulong> mask);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRlimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRlimit(int resource, in RLimit limit);

    [LibraryImport("libc", EntryPoint = "mlockall", SetLastError = true)]
    public static partial int MlockAll(int flags);

    [LibraryImport("libc", EntryPoint = "munlockall", SetLastError = true)]
    public static partial int MunlockAll();

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>clock_nanosleep(CLOCK_MONOTONIC, relative): returns the error number itself, not through errno.</summary>
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    public static partial int ClockNanosleep(int clock, int flags, in Timespec duration, nint remaining);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "ppoll", SetLastError = true)]
    public static partial int PPoll(ref PollFd fds, nuint count, in Timespec timeout, nint signals);

    [LibraryImport("libc", EntryPoint = "ppoll", SetLastError = true)]
    public static partial int PPollForever(ref PollFd fds, nuint count, nint noTimeout, nint signals);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, ref ulong value, nint length);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, in ulong value, nint length);

    public const int MSG_DONTWAIT = 0x40;

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, Span<byte> buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int error);

    /// <summary>The C library's text for an errno (e.g. "Operation not permitted").</summary>
    public static string ErrorText(int error) => Marshal.PtrToStringUTF8(StrError(error)) ?? $"errno {error}";
}

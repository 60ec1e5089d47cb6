using System.Runtime.InteropServices;
using HaCluster.Agent.Vrrp;

namespace HaCluster.Agent.Net;

/// <summary>
/// The engine's precise sleep: ppoll on an eventfd with a nanosecond timeout. The kernel wakes a real-time thread at
/// the timeout with no timer slack (and a normal one with the 1 ns slack <see cref="RealtimeThreads"/> sets), against
/// the whole milliseconds of a timed .NET wait. Another thread's <see cref="Wake"/> writes the eventfd only while the
/// engine sleeps or is about to, so a busy engine costs its producers no system call.
/// </summary>
public sealed class PollWait : IPreciseWait
{
    private readonly int _fd;
    // 1 while the engine is about to sleep or sleeping: the one producer that swaps it to 0 writes the eventfd.
    private int _sleeping;
    private volatile bool _disposed;

    public PollWait()
    {
        _fd = LibC.EventFd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (_fd < 0)
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), "eventfd");
        }
    }

    public void Wake()
    {
        if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1 && !_disposed)
        {
            ulong one = 1;
            _ = LibC.Write(_fd, in one, sizeof(ulong)); // EAGAIN only at a counter of 2^64-2: already signalled
        }
    }

    public void Sleep(TimeSpan? timeout, Func<bool> ready)
    {
        // Announced before the last look: a producer that queued before the swap is seen by ready(); one that queues
        // after it finds the flag set and writes the eventfd, which ends the ppoll at once. (Both sides are full fences.)
        Interlocked.Exchange(ref _sleeping, 1);
        if (ready())
        {
            Interlocked.Exchange(ref _sleeping, 0);
            return;
        }

        var poll = new LibC.PollFd { Fd = _fd, Events = LibC.POLLIN };
        int polled;
        if (timeout is { } t)
        {
            var nanoseconds = t.Ticks * 100;
            var at = new LibC.Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
            polled = LibC.PPoll(ref poll, 1, in at, 0);
        }
        else
        {
            polled = LibC.PPollForever(ref poll, 1, 0, 0);
        }

        Interlocked.Exchange(ref _sleeping, 0);
        if (polled > 0 && (poll.Returned & LibC.POLLIN) != 0)
        {
            ulong count = 0;
            _ = LibC.Read(_fd, ref count, sizeof(ulong)); // resets the counter; EAGAIN if another read won
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _ = LibC.Close(_fd);
    }
}

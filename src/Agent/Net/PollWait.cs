using System.Diagnostics;
using System.Runtime.InteropServices;
using HaCluster.Agent.Vrrp;

namespace HaCluster.Agent.Net;

/// <summary>A descriptor the engine thread watches while it sleeps, and what it does when there is something to read.</summary>
public interface IReadable
{
    /// <summary>The descriptor to watch (it may change: a socket opened again).</summary>
    int Handle { get; }

    /// <summary>On the engine thread, when <see cref="Handle"/> is readable, or <paramref name="failed"/> (shut down, error, closed).</summary>
    void OnReadable(bool failed);
}

/// <summary>
/// The engine's precise sleep: ppoll on an eventfd with a nanosecond timeout. The kernel wakes a real-time thread at
/// the timeout with no timer slack (and a normal one with the 1 ns slack <see cref="RealtimeThreads"/> sets), against
/// the whole milliseconds of a timed .NET wait. Another thread's <see cref="Wake"/> writes the eventfd only while the
/// engine sleeps or is about to, so a busy engine costs its producers no system call. The VRRP sockets are watched in
/// the same ppoll (<see cref="Watch"/>), as keepalived's one loop does: an advert is read, checked and handled on the
/// engine thread with one wake-up, no hand-over between threads.
/// </summary>
public sealed class PollWait : IPreciseWait
{
    private readonly int _fd;
    // 1 while the engine is about to sleep or sleeping: the one producer that swaps it to 0 writes the eventfd.
    private int _sleeping;
    private volatile bool _disposed;
    // Replaced whole on (un)watch; the engine rebuilds its poll set when it sees a new one.
    private volatile IReadable[] _watched = [];
    private IReadable[] _polled = [];
    private LibC.PollFd[] _fds = new LibC.PollFd[1];

    public PollWait()
    {
        _fd = LibC.EventFd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (_fd < 0)
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), "eventfd");
        }
    }

    /// <summary>From now on <paramref name="readable"/> is watched by the engine's sleep (it takes effect at the next one).</summary>
    public void Watch(IReadable readable)
    {
        lock (this)
        {
            _watched = [.. _watched, readable];
        }

        Wake();
    }

    public void Unwatch(IReadable readable)
    {
        lock (this)
        {
            _watched = [.. _watched.Where(r => r != readable)];
        }

        Wake();
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

        var count = PollSet();
        var polled = Poll(count, timeout);

        Interlocked.Exchange(ref _sleeping, 0);
        if (polled <= 0)
        {
            return;
        }

        if (_fds[0].Returned != 0)
        {
            ulong value = 0;
            _ = LibC.Read(_fd, ref value, sizeof(ulong)); // resets the counter; EAGAIN if another read won
        }

        for (var i = 1; i < count; i++)
        {
            if (_fds[i].Returned != 0)
            {
                _polled[i - 1].OnReadable((_fds[i].Returned & (LibC.POLLRDHUP | LibC.POLLHUP | LibC.POLLERR | LibC.POLLNVAL)) != 0);
            }
        }
    }

    /// <summary>
    /// One ppoll for the whole timeout: a signal handled on this thread (the runtime's SIGCHLD handler, say) ends a
    /// ppoll early with EINTR and the kernel never restarts it, so it polls again for what is left (both on
    /// CLOCK_MONOTONIC, which <see cref="Stopwatch"/> reads): the sleep never ends before its time without a cause.
    /// </summary>
    private int Poll(int count, TimeSpan? timeout)
    {
        if (timeout is not { } t)
        {
            int forever;
            do
            {
                forever = LibC.PPollForever(ref _fds[0], (nuint)count, 0, 0);
            }
            while (forever < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);

            return forever;
        }

        var end = Stopwatch.GetTimestamp() + (long)(t.Ticks * ((double)Stopwatch.Frequency / TimeSpan.TicksPerSecond));
        while (true)
        {
            var nanoseconds = t.Ticks * 100;
            var at = new LibC.Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
            var polled = LibC.PPoll(ref _fds[0], (nuint)count, in at, 0);
            if (polled >= 0 || Marshal.GetLastPInvokeError() != LibC.EINTR)
            {
                return polled;
            }

            t = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
            if (t <= TimeSpan.Zero)
            {
                return 0;
            }
        }
    }

    /// <summary>The eventfd and every watched descriptor; rebuilt only when the watched set or a descriptor changed.</summary>
    private int PollSet()
    {
        var watched = _watched;
        if (watched != _polled || _fds.Length != watched.Length + 1)
        {
            _polled = watched;
            _fds = new LibC.PollFd[watched.Length + 1];
        }

        _fds[0] = new LibC.PollFd { Fd = _fd, Events = LibC.POLLIN };
        for (var i = 0; i < watched.Length; i++)
        {
            // POLLRDHUP too: a socket shut down for reading polls readable while a non-blocking read finds nothing.
            _fds[i + 1] = new LibC.PollFd { Fd = watched[i].Handle, Events = LibC.POLLIN | LibC.POLLRDHUP };
        }

        return watched.Length + 1;
    }

    public void Dispose()
    {
        _disposed = true;
        _ = LibC.Close(_fd);
    }
}

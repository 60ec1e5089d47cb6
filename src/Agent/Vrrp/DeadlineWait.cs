namespace HaCluster.Agent.Vrrp;

/// <summary>
/// Puts the engine thread to sleep until a deadline or a wake-up. On the system clock the kernel waits, to the
/// microsecond (<see cref="IPreciseWait"/>: eventfd and ppoll; a timer-queue callback would add a thread-pool hop and
/// the runtime's 4 ms timer grain to every advert and takeover); any other <see cref="TimeProvider"/> — the fake clock
/// of a test — through a timer of its own, so that moving that clock wakes the engine exactly as time passing would.
/// </summary>
internal sealed class DeadlineWait : IDisposable
{
    // No spinning before it sleeps (a spinning wait burns CPU on every advert of every instance).
    private readonly ManualResetEventSlim _woken = new(false, spinCount: 0);
    private readonly ITimer? _timer;
    private readonly IPreciseWait? _precise;

    public DeadlineWait(TimeProvider time, IPreciseWait? precise)
    {
        if (time != TimeProvider.System)
        {
            _timer = time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _woken, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _precise = precise;
        }
    }

    public void Wake()
    {
        if (_precise is not null)
        {
            _precise.Wake();
            return;
        }

        _woken.Set();
    }

    /// <summary>
    /// Sleeps until <paramref name="deadline"/> (null: no deadline) or a <see cref="Wake"/>; returns at once when
    /// <paramref name="ready"/> holds or the deadline has come (a deadline equal to now is due, one tick later is not).
    /// A wake between the check and the sleep is never lost.
    /// </summary>
    public void Until(TimeSpan? deadline, Func<TimeSpan> now, Func<bool> ready)
    {
        if (_precise is not null)
        {
            var left = Remaining(deadline, now());
            if (left != TimeSpan.Zero)
            {
                _precise.Sleep(left, ready);
            }

            return;
        }

        _woken.Reset();
        var wait = Remaining(deadline, now());
        if (ready() || wait == TimeSpan.Zero)
        {
            return;
        }

        if (_timer is null)
        {
            // Without a precise wait (not Linux): whole milliseconds, rounded up so that it never wakes before the deadline.
            _woken.Wait(wait is { } w ? (int)Math.Ceiling(w.TotalMilliseconds) : Timeout.Infinite);
            return;
        }

        _timer.Change(wait ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // The clock may have moved between reading it and arming the timer: look once more before sleeping.
        if (deadline is null || deadline > now())
        {
            _woken.Wait();
        }
    }

    /// <summary>How long until <paramref name="deadline"/>: null for none, zero once it has come.</summary>
    internal static TimeSpan? Remaining(TimeSpan? deadline, TimeSpan now) =>
        deadline is { } d ? (d > now ? d - now : TimeSpan.Zero) : null;

    public void Dispose()
    {
        _timer?.Dispose();
        _precise?.Dispose();
        _woken.Dispose();
    }
}

namespace HaCluster.Agent.Vrrp;

/// <summary>
/// Puts the engine thread to sleep until a deadline or a wake-up. The system clock is waited on by the kernel (a timed
/// wait: a timer-queue callback would add a thread-pool hop to every advert and takeover); any other
/// <see cref="TimeProvider"/> — the fake clock of a test — through a timer of its own, so that moving that clock
/// wakes the engine exactly as time passing would.
/// </summary>
internal sealed class DeadlineWait : IDisposable
{
    // No spinning before it sleeps (a spinning wait burns CPU on every advert of every instance).
    private readonly ManualResetEventSlim _woken = new(false, spinCount: 0);
    private readonly ITimer? _timer;

    public DeadlineWait(TimeProvider time)
    {
        if (time != TimeProvider.System)
        {
            _timer = time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _woken, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public void Wake() => _woken.Set();

    /// <summary>
    /// Sleeps until <paramref name="deadline"/> (null: no deadline) or a <see cref="Wake"/>; returns at once when
    /// <paramref name="ready"/> holds or the deadline has passed. A wake between the reset and the wait is never lost.
    /// </summary>
    public void Until(TimeSpan? deadline, Func<TimeSpan> now, Func<bool> ready)
    {
        _woken.Reset();
        var wait = deadline is { } d ? d - now() : Timeout.InfiniteTimeSpan;
        if (ready() || (deadline is not null && wait <= TimeSpan.Zero))
        {
            return;
        }

        if (_timer is null)
        {
            _woken.Wait(ToMilliseconds(wait));
            return;
        }

        _timer.Change(wait, Timeout.InfiniteTimeSpan);
        // The clock may have moved between reading it and arming the timer: look once more before sleeping.
        if (deadline is null || deadline > now())
        {
            _woken.Wait();
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _woken.Dispose();
    }

    private static int ToMilliseconds(TimeSpan wait) =>
        wait == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Ceiling(wait.TotalMilliseconds);
}

namespace HaCluster.Shared.Hosting;

/// <summary>How a client waits between attempts: from <see cref="Initial"/>, doubling up to <see cref="Max"/>, ± <see cref="Jitter"/>.</summary>
public sealed record ReconnectPolicy(TimeSpan Initial, TimeSpan Max)
{
    /// <summary>The fraction each wait varies by, so that many clients cut off together do not come back together.</summary>
    public double Jitter { get; init; } = 0.2;
}

/// <summary>
/// The one reconnect loop of HaCluster's long-lived clients (the agent's link to the controller, the dashboard's live
/// feed): sessions one after the other until stopped; what ends a session — the peer hanging up, or any error, which
/// is reported — never ends the loop; between sessions a capped exponential backoff, reset by a session in which the
/// peer answered.
/// </summary>
public static class Reconnect
{
    /// <param name="session">One attempt: given its number, a callback to say the peer answered, and the stop token.</param>
    /// <param name="failed">Told of every exception that ended an attempt (other than the stop).</param>
    public static async Task RunAsync(
        Func<int, Action, CancellationToken, Task> session, Action<int, Exception> failed, ReconnectPolicy policy, TimeProvider time, CancellationToken stopping)
    {
        var backoff = policy.Initial;
        for (var attempt = 0; !stopping.IsCancellationRequested; attempt++)
        {
            var answered = false;
            try
            {
                await session(attempt, () => answered = true, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failed(attempt, e);
            }

            backoff = answered ? policy.Initial : backoff;
            try
            {
                await Task.Delay(Jittered(backoff, policy.Jitter), time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, policy.Max.Ticks));
        }
    }

    /// <summary><paramref name="wait"/> varied by up to ± <paramref name="jitter"/>.</summary>
    public static TimeSpan Jittered(TimeSpan wait, double jitter) =>
        wait * (1 - jitter + (Random.Shared.NextDouble() * 2 * jitter));
}

namespace HaCluster.Controller.Infrastructure;

/// <summary>The loop of a background service that looks at something periodically.</summary>
public static class Ticks
{
    /// <summary>
    /// Waits for the next tick; false once stopping — also when the host is disposed without having started (a port in
    /// use), which cancels the timer itself: the loop ends quietly instead of logging a crash.
    /// </summary>
    public static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

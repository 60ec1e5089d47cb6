namespace HaCluster.Controller.Infrastructure;

/// <summary>
/// A background service whose stop is not a fault: the cancellation of <c>stoppingToken</c> — on shutdown, and also
/// when the host failed to start (then the host reports any exception as the service failing and 'stopping host') —
/// ends it quietly.
/// </summary>
public abstract class StoppableService : BackgroundService
{
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ServeAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The service's work until <paramref name="stoppingToken"/> is cancelled (it may throw then).</summary>
    protected abstract Task ServeAsync(CancellationToken stoppingToken);
}

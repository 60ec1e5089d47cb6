using HaCluster.Controller.Data;
using HaCluster.Controller.Infrastructure;

namespace HaCluster.Controller.Pki;

/// <summary>
/// The revoked certificates, followed in the database every half second — revocations made by another process (the
/// <c>node revoke</c> command, another controller) take effect here within that — and at once for those made here.
/// Each newly revoked certificate is announced (<see cref="Revoked"/>): the agent link cuts the streams it carries.
/// </summary>
public sealed class Revocations(CredentialRepository credentials, TimeProvider clock, ILogger<Revocations> logger) : StoppableService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    // Rows committed out of their timestamps' order (slow transactions, clock skew between controllers) are still seen.
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile HashSet<string> _revoked = new(StringComparer.OrdinalIgnoreCase);
    private DateTimeOffset? _newest;

    /// <summary>Serial and name of each certificate revoked since the last announcement.</summary>
    public event Action<IReadOnlyList<(string Serial, string Name)>>? Revoked;

    /// <summary>Whether the certificate with <paramref name="serial"/> is revoked (waits for the first read at start).</summary>
    public async ValueTask<bool> IsRevokedAsync(string serial, CancellationToken ct)
    {
        if (!_loaded.Task.IsCompleted)
        {
            await RefreshAsync(ct);
        }

        return _revoked.Contains(serial);
    }

    /// <summary>Reads what was revoked since the last read; announces what is new.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await _refreshing.WaitAsync(ct);
        try
        {
            var rows = await credentials.RevokedSinceAsync(_newest - Overlap, ct);
            var fresh = rows.Where(r => !_revoked.Contains(r.Serial)).Select(r => (r.Serial, r.Name)).ToList();
            if (fresh.Count > 0)
            {
                _revoked = new HashSet<string>(_revoked.Concat(fresh.Select(f => f.Serial)), StringComparer.OrdinalIgnoreCase);
                Revoked?.Invoke(fresh);
            }

            if (rows.Count > 0)
            {
                _newest = rows[^1].RevokedAt;
            }

            _loaded.TrySetResult();
        }
        finally
        {
            _refreshing.Release();
        }
    }

    protected override async Task ServeAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval, clock);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PkiLog.RevocationPollFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

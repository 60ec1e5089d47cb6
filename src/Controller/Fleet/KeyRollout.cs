using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Infrastructure;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Fleet;

/// <summary><c>Keys</c> in appsettings: how often a group's HMAC key is replaced, and how often the rollout looks.</summary>
public sealed class KeyOptions
{
    /// <summary>A group's signing key older than this is rotated (make-before-break); zero: only on request.</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>
/// Drives every HMAC group's keyring through its steps (<see cref="GroupKeyring.Next"/>): a step is taken only when
/// every connected member reports it runs the current revision, so a key signs only where every peer already accepts
/// it and is retired only where none still signs with it. Members that are not connected get the newest config when
/// they come back. Also starts a rotation when the signing key is older than <see cref="KeyOptions.RotationInterval"/>.
/// Never in the failover path: agents keep running the last config they were sent.
/// </summary>
public sealed partial class KeyRollout(GroupService groups, DesiredState desired, FleetState fleet, IOptions<KeyOptions> options, TimeProvider clock, ILogger<KeyRollout> logger)
    : BackgroundService
{
    private static readonly Actor Rollout = Actor.Controller with { Name = "the controller (HMAC keys)" };

    /// <summary>Starts a rotation of the group's key now; null when it is not an HMAC group or a change is still under way.</summary>
    public async Task<GroupKeyring?> RotateAsync(string name, Actor who, CancellationToken ct)
    {
        return desired.Get(name) is { Group.UsesHmac: true } stored ? (await StartRotationAsync(stored, who, ct))?.Group.Keyring : null;
    }

    private Task<SaveResult.Saved?> StartRotationAsync(StoredGroup stored, Actor who, CancellationToken ct) =>
        groups.StepKeyringAsync(stored.Group.Name, stored.Revision, k => k.Rotate(clock.GetUtcNow()), AuditActions.KeyRotate, who, ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, clock);
        while (await Ticks.NextAsync(timer, stoppingToken))
        {
            foreach (var stored in desired.Groups)
            {
                try
                {
                    await AdvanceAsync(stored, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(stored.Group.Name, e.Message);
                }
            }
        }
    }

    private async Task AdvanceAsync(StoredGroup stored, CancellationToken ct)
    {
        if (stored.Group is not { UsesHmac: true, Keyring: { } keyring })
        {
            return;
        }

        if (keyring.Settled)
        {
            var interval = options.Value.RotationInterval;
            if (interval > TimeSpan.Zero && clock.GetUtcNow() - keyring.Active.CreatedAt >= interval)
            {
                LogScheduled(stored.Group.Name, keyring.ActiveKey);
                await StartRotationAsync(stored, Rollout, ct);
            }

            return;
        }

        if (!EveryConnectedMemberRuns(stored))
        {
            return;
        }

        if (await groups.StepKeyringAsync(stored.Group.Name, stored.Revision, k => k.Next(), AuditActions.KeyStep, Rollout, ct) is { } saved)
        {
            LogStep(stored.Group.Name, saved.Revision, saved.Group.Keyring!.Describe());
        }
    }

    private bool EveryConnectedMemberRuns(StoredGroup stored) =>
        fleet.Status(stored.Group.Name) is { } status
        && status.Revision == stored.Revision
        && status.Members.Where(m => m.Connected).All(m => m.AppliedRevision >= stored.Revision);

    [LoggerMessage(EventId = 81, Level = LogLevel.Information, Message = "group {Group}: HMAC step, revision {Revision}: {Step}")]
    private partial void LogStep(string group, int revision, string step);

    [LoggerMessage(EventId = 82, Level = LogLevel.Information, Message = "group {Group}: key {Key} is due for rotation")]
    private partial void LogScheduled(string group, int key);

    [LoggerMessage(EventId = 83, Level = LogLevel.Warning, Message = "group {Group}: the HMAC rollout could not take its next step: {Error}")]
    private partial void LogFailed(string group, string error);
}

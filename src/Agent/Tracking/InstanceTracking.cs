using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tracking;

/// <summary>
/// What an instance tracks (keepalived's track_script, track_interface, track_file) and the effective priority and
/// fault that follow; calls back whenever either changes.
/// </summary>
public sealed class InstanceTracking : IDisposable
{
    private readonly List<(TrackReference Reference, TrackedObject Tracked, (int Weight, bool Reverse) Weight)> _tracks;
    private byte _basePriority;
    private readonly Lock _lock = new();
    private readonly TrackerSet _trackers;
    private Action<byte, bool>? _changed;

    /// <param name="config">The configuration <paramref name="instance"/> belongs to: its tracked definitions and weights.</param>
    public InstanceTracking(KeepalivedConfig config, VrrpInstanceConfig instance, TrackerSet trackers)
    {
        _basePriority = instance.Priority;
        _trackers = trackers;
        // The weight a line applies: the rule lives with the config model.
        _tracks = [.. instance.Tracks.Select(r => (r, trackers.Acquire(config, r), config.EffectiveWeight(r)))];
        foreach (var (_, tracked, _) in _tracks)
        {
            tracked.Changed += OnChanged;
        }

        (EffectivePriority, Faulted) = Evaluate();
    }

    public byte EffectivePriority { get; private set; }
    public bool Faulted { get; private set; }

    /// <summary>Starts reporting changes; <paramref name="changed"/> gets the effective priority and the fault flag.</summary>
    public void Subscribe(Action<byte, bool> changed) => _changed = changed;

    public void Dispose()
    {
        foreach (var (_, tracked, _) in _tracks)
        {
            tracked.Changed -= OnChanged;
            _trackers.Release(tracked);
        }
    }

    /// <summary>A reload changed only the configured priority: recompute and report, as any tracking change.</summary>
    public void SetBasePriority(byte priority)
    {
        lock (_lock)
        {
            _basePriority = priority;
        }

        OnChanged(null);
    }

    private void OnChanged(TrackedObject? _)
    {
        lock (_lock)
        {
            var (priority, faulted) = Evaluate();
            if (priority == EffectivePriority && faulted == Faulted)
            {
                return;
            }

            (EffectivePriority, Faulted) = (priority, faulted);
            _changed?.Invoke(priority, faulted);
        }
    }

    private (byte, bool) Evaluate()
    {
        var (delta, fault) = TrackingPolicy.Evaluate(_tracks.Select(t =>
            new TrackInput(t.Reference.Kind, t.Tracked.Ok, t.Tracked.Value, t.Weight.Weight, t.Weight.Reverse)));
        return (TrackingPolicy.EffectivePriority(_basePriority, delta), fault);
    }
}

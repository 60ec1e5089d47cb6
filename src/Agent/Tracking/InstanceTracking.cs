using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Tracking;

/// <summary>
/// What an instance tracks (keepalived's track_script, track_interface, track_file) and the effective priority and
/// fault that follow; calls back whenever either changes.
/// </summary>
public sealed class InstanceTracking : IDisposable
{
    private readonly List<(TrackReference Reference, TrackedObject Tracked, (int Weight, bool Reverse) Weight)> _tracks;
    private readonly List<TrackedObject> _gates;
    private byte _basePriority;
    private bool _maintenance;

    /// <summary>What a node in maintenance advertises: the lowest priority there is, so any healthy member wins.</summary>
    public const byte MaintenancePriority = 1;
    private readonly Lock _lock = new();
    private readonly TrackerSet _trackers;
    private Action<byte, bool, bool>? _changed;

    /// <param name="config">The configuration <paramref name="instance"/> belongs to: its tracked definitions and weights.</param>
    /// <param name="maintenance">The node is in maintenance: priority 1 whatever the weights (faults still count).</param>
    public InstanceTracking(KeepalivedConfig config, VrrpInstanceConfig instance, TrackerSet trackers, bool maintenance = false)
    {
        _basePriority = instance.Priority;
        _maintenance = maintenance;
        _trackers = trackers;
        // The weight a line applies: the rule lives with the config model.
        _tracks = [.. instance.Tracks.Select(r => (r, trackers.Acquire(config, r), config.EffectiveWeight(r)))];
        // keepalived holds a whole sync group until every member's weight-0 scripts have a first result, so that the
        // members enter the election together: those scripts of the other members hold this one too.
        _gates = [.. SyncGroupHolds(config, instance).Select(r => trackers.Acquire(config, r))];
        foreach (var tracked in _tracks.Select(t => t.Tracked).Concat(_gates))
        {
            tracked.Changed += OnChanged;
        }

        (EffectivePriority, Faulted, Pending) = Evaluate();
    }

    public byte EffectivePriority { get; private set; }

    /// <summary>What the effective priority is made of, as of the last change (read without a lock: it is replaced whole).</summary>
    public PriorityBreakdown Breakdown => Volatile.Read(ref _breakdown);
    private PriorityBreakdown _breakdown = PriorityBreakdown.Untracked(0);
    public bool Faulted { get; private set; }

    /// <summary>A weight-0 script (its own or a sync group member's) has no result yet: the instance must wait.</summary>
    public bool Pending { get; private set; }

    /// <summary>
    /// Reports the current effective priority, fault and pending flags to <paramref name="changed"/> now, then on every
    /// change, each call under one lock: whoever queues them sees them in order.
    /// </summary>
    public void Subscribe(Action<byte, bool, bool> changed)
    {
        lock (_lock)
        {
            _changed = changed;
            changed(EffectivePriority, Faulted, Pending);
        }
    }

    public void Dispose()
    {
        foreach (var tracked in _tracks.Select(t => t.Tracked).Concat(_gates))
        {
            tracked.Changed -= OnChanged;
            _trackers.Release(tracked);
        }
    }

    /// <summary>A reload changed only the configured priority or maintenance: recompute and report, as any tracking change.</summary>
    public void SetBasePriority(byte priority, bool maintenance = false)
    {
        lock (_lock)
        {
            _basePriority = priority;
            _maintenance = maintenance;
        }

        OnChanged(null);
    }

    private void OnChanged(TrackedObject? _)
    {
        lock (_lock)
        {
            var (priority, faulted, pending) = Evaluate();
            if (priority == EffectivePriority && faulted == Faulted && pending == Pending)
            {
                return;
            }

            (EffectivePriority, Faulted, Pending) = (priority, faulted, pending);
            _changed?.Invoke(priority, faulted, pending);
        }
    }

    private (byte, bool, bool) Evaluate()
    {
        var inputs = _tracks.Select(t => (t.Reference, Input: new TrackInput(t.Reference.Kind, t.Tracked.Ok, t.Tracked.Value, t.Weight.Weight, t.Weight.Reverse, t.Tracked.Known))).ToList();
        var result = TrackingPolicy.Evaluate(inputs.Select(i => i.Input));
        var pending = result.Pending || _gates.Any(g => !g.Known);
        var priority = _maintenance ? MaintenancePriority : TrackingPolicy.EffectivePriority(_basePriority, result.Delta);
        Volatile.Write(ref _breakdown, new PriorityBreakdown(_basePriority, priority, _maintenance, result.Fault, [.. inputs.Select(i => Part(i.Reference, i.Input))]));
        return (priority, result.Fault, pending);
    }

    private static TrackPart Part(TrackReference reference, TrackInput input)
    {
        var (delta, faults) = input.Known ? TrackingPolicy.Adjust(input) : (0, false);
        var kind = input.Kind switch { TrackKind.Script => "script", TrackKind.Interface => "interface", _ => "file" };
        return new TrackPart(kind, reference.Name, input.Weight, input.Reverse, !input.Known ? "unknown" : input.Ok ? "ok" : "failed", input.Value, delta, faults);
    }

    /// <summary>The weight-0 scripts of the other members of <paramref name="instance"/>'s sync groups.</summary>
    private static IEnumerable<TrackReference> SyncGroupHolds(KeepalivedConfig config, VrrpInstanceConfig instance) =>
        config.SyncGroups
            .Where(g => g.Instances.Contains(instance.Name))
            .SelectMany(g => g.Instances)
            .Where(name => name != instance.Name)
            .Distinct()
            .SelectMany(name => config.Instances.Where(i => i.Name == name))
            .SelectMany(member => member.Tracks)
            .Where(r => r.Kind == TrackKind.Script && config.EffectiveWeight(r).Weight == 0);
}

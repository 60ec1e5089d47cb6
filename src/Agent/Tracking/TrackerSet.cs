using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Tracking;

/// <summary>What trackers run on: the script runner, the clock, and the current state of a link (by name).</summary>
public sealed record TrackingEdges(IScriptRunner Scripts, TimeProvider Time, Func<string, bool> IsLinkUp);

/// <summary>
/// Every tracked object the running instances use, one per definition, shared by the instances that track it and
/// disposed when the last of them stops. A reload that keeps a vrrp_script unchanged keeps its one tracker (the script
/// never runs twice); a changed definition gets a new tracker, the old one ends with the instances still using it.
/// </summary>
public sealed class TrackerSet(TrackingEdges edges, ILoggerFactory loggers) : IDisposable
{
    private readonly Dictionary<string, Entry> _trackers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private sealed class Entry(TrackedObject tracker)
    {
        public TrackedObject Tracker { get; } = tracker;
        public int Users { get; set; }
    }

    public IReadOnlyList<ScriptTracker> Scripts
    {
        get
        {
            lock (_lock)
            {
                return [.. _trackers.Values.Select(e => e.Tracker).OfType<ScriptTracker>()];
            }
        }
    }

    /// <summary>The tracker for <paramref name="reference"/> as <paramref name="config"/> defines it; release it when done.</summary>
    public TrackedObject Acquire(KeepalivedConfig config, TrackReference reference)
    {
        var key = Key(config, reference);
        lock (_lock)
        {
            if (!_trackers.TryGetValue(key, out var entry))
            {
                _trackers[key] = entry = new Entry(Create(config, reference));
            }

            entry.Users++;
            return entry.Tracker;
        }
    }

    public void Release(TrackedObject tracker)
    {
        lock (_lock)
        {
            var (key, entry) = _trackers.FirstOrDefault(t => ReferenceEquals(t.Value.Tracker, tracker));
            if (entry is null || --entry.Users > 0)
            {
                return;
            }

            _trackers.Remove(key);
            (tracker as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Keeps every current tracker alive until disposed, even if all its users stop meanwhile: a reload stops the
    /// changed instances before it starts them again, and a script they share with nobody else should not restart.
    /// </summary>
    public IDisposable Pin()
    {
        List<TrackedObject> pinned;
        lock (_lock)
        {
            pinned = [.. _trackers.Values.Select(e => e.Tracker)];
            foreach (var entry in _trackers.Values)
            {
                entry.Users++;
            }
        }

        return new Unpin(this, pinned);
    }

    private sealed class Unpin(TrackerSet set, List<TrackedObject> pinned) : IDisposable
    {
        public void Dispose() => pinned.ForEach(set.Release);
    }

    public void OnLinkChanged(string name, bool up)
    {
        lock (_lock)
        {
            foreach (var tracker in _trackers.Values.Select(e => e.Tracker).OfType<InterfaceTracker>().Where(t => t.Name == name))
            {
                tracker.Update(up);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var disposable in _trackers.Values.Select(e => e.Tracker).OfType<IDisposable>())
            {
                disposable.Dispose();
            }

            _trackers.Clear();
        }
    }

    /// <summary>Kind, name and the whole definition (without where it was written): equal keys run as one tracker.</summary>
    private static string Key(KeepalivedConfig config, TrackReference reference) => reference.Kind switch
    {
        // The validator guarantees every tracked name is defined.
        TrackKind.Script => $"script:{reference.Name}:{config.FindScript(reference.Name)! with { Location = default }}",
        TrackKind.File => $"file:{reference.Name}:{config.FindTrackFile(reference.Name)! with { Location = default }}",
        _ => $"interface:{reference.Name}",
    };

    private TrackedObject Create(KeepalivedConfig config, TrackReference reference)
    {
        var logger = loggers.CreateLogger("HaCluster.Agent.Tracking");
        switch (reference.Kind)
        {
            case TrackKind.Script:
                var script = new ScriptTracker(config.FindScript(reference.Name)!, edges.Scripts, edges.Time, logger);
                script.Start();
                return script;
            case TrackKind.File:
                return new FileTracker(config.FindTrackFile(reference.Name)!, edges.Time, logger);
            default:
                return new InterfaceTracker(reference.Name, edges.IsLinkUp(reference.Name));
        }
    }
}

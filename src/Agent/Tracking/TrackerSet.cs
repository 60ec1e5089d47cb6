using HaCluster.Agent.Net;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Tracking;

/// <summary>Every tracked object of a configuration, created once and shared by the instances that track it.</summary>
public sealed class TrackerSet : IDisposable
{
    private readonly Dictionary<string, ScriptTracker> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileTracker> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InterfaceTracker> _interfaces = new(StringComparer.Ordinal);
    private readonly KeepalivedConfig _config;
    private readonly INetworkControl _network;
    private readonly ILoggerFactory _loggers;

    public TrackerSet(KeepalivedConfig config, INetworkControl network, ILoggerFactory loggers)
    {
        (_config, _network, _loggers) = (config, network, loggers);
    }

    public IReadOnlyCollection<ScriptTracker> Scripts => _scripts.Values;

    public TrackedObject Get(TrackReference reference) => reference.Kind switch
    {
        TrackKind.Script => GetOrAdd(_scripts, reference.Name, () => StartScript(Script(reference.Name))),
        TrackKind.File => GetOrAdd(_files, reference.Name, () => new FileTracker(File(reference.Name), _loggers.CreateLogger("HaCluster.Agent.Tracking"))),
        _ => GetOrAdd(_interfaces, reference.Name, () => new InterfaceTracker(reference.Name, _network.GetLink(reference.Name)?.IsUp ?? false)),
    };

    /// <summary>The weight a line applies; the rule lives with the config model.</summary>
    public (int Weight, bool Reverse) WeightOf(TrackReference reference) => _config.EffectiveWeight(reference);

    /// <summary>Created on first use, so a reload's new set only runs the scripts of the instances it starts.</summary>
    private ScriptTracker StartScript(VrrpScriptConfig config)
    {
        var tracker = new ScriptTracker(config, _loggers.CreateLogger("HaCluster.Agent.Tracking"));
        tracker.Start();
        return tracker;
    }

    public void OnLinkChanged(string name, bool up)
    {
        if (_interfaces.TryGetValue(name, out var tracker))
        {
            tracker.Update(up);
        }
    }

    public void Dispose()
    {
        foreach (var disposable in _scripts.Values.Cast<IDisposable>().Concat(_files.Values))
        {
            disposable.Dispose();
        }
    }

    // The validator guarantees every tracked name is defined.
    private VrrpScriptConfig Script(string name) => _config.FindScript(name)!;

    private TrackFileConfig File(string name) => _config.FindTrackFile(name)!;

    private static T GetOrAdd<T>(Dictionary<string, T> map, string name, Func<T> create)
    {
        if (!map.TryGetValue(name, out var value))
        {
            map[name] = value = create();
        }

        return value;
    }
}

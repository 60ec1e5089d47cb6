using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>
/// Collects the top-level <c>vrrp_script</c>, <c>vrrp_track_file</c> and <c>vrrp_sync_group</c> blocks.
/// A repeated name is an error and the repeat is left out, so every reference resolves to one block.
/// </summary>
internal sealed class TrackingBlocks(GlobalDefs global)
{
    private readonly Named<VrrpScriptConfig> _scripts = new("vrrp_script");
    private readonly Named<TrackFileConfig> _trackFiles = new("vrrp_track_file");
    private readonly Named<SyncGroupConfig> _syncGroups = new("vrrp_sync_group");

    /// <summary>Every named vrrp_script, even one left out for errors, so its references are not reported as well.</summary>
    public ImmutableHashSet<string> ScriptNames => _scripts.Names;

    public ImmutableHashSet<string> TrackFileNames => _trackFiles.Names;

    /// <summary>False when <paramref name="s"/> is none of the three.</summary>
    public bool TryAdd(ConfigStatement s, DiagnosticBag d)
    {
        switch (s.Keyword)
        {
            case "vrrp_script":
                _scripts.Add(s, s.RequireBlock(d) ? VrrpScriptMapper.Map(s, global, d) : null, d);
                return true;
            case "vrrp_track_file":
                _trackFiles.Add(s, s.RequireBlock(d) ? TrackFileMapper.Map(s, d) : null, d);
                return true;
            case "vrrp_sync_group":
                _syncGroups.Add(s, s.RequireBlock(d) ? SyncGroupMapper.Map(s, global, d) : null, d);
                return true;
            default:
                return false;
        }
    }

    public KeepalivedConfig AddTo(KeepalivedConfig config) => config with
    {
        Scripts = [.. _scripts.Items],
        TrackFiles = [.. _trackFiles.Items],
        SyncGroups = [.. _syncGroups.Items],
    };

    private sealed class Named<T>(string keyword)
        where T : class
    {
        private readonly Dictionary<string, SourceLocation> _first = new(StringComparer.Ordinal);

        public List<T> Items { get; } = [];

        public ImmutableHashSet<string> Names => [.. _first.Keys];

        public void Add(ConfigStatement block, T? item, DiagnosticBag d)
        {
            if (block.Args.IsEmpty)
            {
                return;
            }

            var name = block.Args[0];
            if (_first.TryGetValue(name, out var first))
            {
                d.Error(block.Location, $"duplicate {keyword} '{name}' (first defined at {first})");
                return;
            }

            _first[name] = block.Location;
            if (item is not null)
            {
                Items.Add(item);
            }
        }
    }
}

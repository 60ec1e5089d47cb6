using System.Collections.Immutable;
using HaCluster.Agent.Control;
using HaCluster.Contracts;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// Where the agent's configuration comes from: the host's keepalived.conf (unmanaged instances, optional in managed
/// mode) and the config the controller pushed (kept in the state directory). Both are checked as one file, so a clash
/// between them is an error with each side's file:line; a candidate only replaces the running sources when valid.
/// </summary>
public sealed class AgentConfigSources(string? localPath, ManagedConfigStore? store)
{
    public string? LocalPath => localPath;

    public ConfigSource? Local { get; private set; }

    public DesiredConfig? Managed { get; private set; }

    /// <summary>Reads the local file again (SIGHUP); null when the agent runs without one.</summary>
    public ConfigSource? ReadLocal() => localPath is null ? null : ConfigSource.FromFile(localPath);

    /// <summary>The last accepted push, from disk; null when there is none.</summary>
    public DesiredConfig? ReadStoredManaged() => store?.Load();

    /// <summary>
    /// The two checked as one file. A push holding anything the controller's renderer does not write (a script, a notify
    /// command, an include: <see cref="PushedConfigPolicy"/>) has those as errors first: it is refused whole.
    /// </summary>
    public ConfigLoadResult Combine(ConfigSource? local, DesiredConfig? managed)
    {
        var sources = new List<ConfigSource>(2);
        if (local is not null)
        {
            sources.Add(local);
        }

        var refused = ImmutableArray<ConfigDiagnostic>.Empty;
        if (managed is not null)
        {
            var name = store?.TextPath ?? "controller";
            refused = PushedConfigPolicy.Check(managed.Text, name);
            sources.Add(ConfigSource.FromText(managed.Text, name));
        }

        var loaded = KeepalivedConfigLoader.Load(sources);
        // enable_script_security looks at this host's files, so it is checked here, not by the parser.
        loaded = loaded with { Diagnostics = loaded.Diagnostics.AddRange(Tracking.ScriptSecurity.Check(loaded.Config)) };
        return refused.IsEmpty ? loaded : loaded with { Diagnostics = refused.AddRange(loaded.Diagnostics) };
    }

    /// <summary>Makes a validated pair the running one; a new push is persisted first, so a restart runs it again.</summary>
    public void Commit(ConfigSource? local, DesiredConfig? managed)
    {
        if (managed is not null && !managed.Equals(Managed))
        {
            store?.Save(managed);
        }

        (Local, Managed) = (local, managed);
    }
}

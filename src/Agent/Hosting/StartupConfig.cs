using HaCluster.Agent.Control;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Hosting;

/// <summary>What the agent starts with: the host's file, plus in managed mode the last config the controller pushed.</summary>
public sealed record StartupConfig(AgentConfigSources Sources, KeepalivedConfig Config)
{
    /// <summary>
    /// Null (after printing why) when the host's file has errors or the state directory is unusable: then the agent
    /// does not start. A stored push that no longer fits the host's file is set aside (the controller sends a new one).
    /// </summary>
    public static StartupConfig? Load(AgentCommandLine command, TextWriter errors)
    {
        // In managed mode the host file is optional: the default path counts only if it exists.
        var localPath = command.Managed && !command.ConfigGiven && !File.Exists(command.ConfigPath) ? null : command.ConfigPath;
        ManagedConfigStore? store = null;
        if (command.Managed && !command.CheckOnly)
        {
            if (StateDirectory.Problem(command.StateDir) is { } problem)
            {
                errors.WriteLine($"hacluster-agent: not started: --state-dir {command.StateDir}: {problem}");
                return null;
            }

            store = new ManagedConfigStore(command.StateDir);
        }

        var sources = new AgentConfigSources(localPath, store);
        var local = sources.ReadLocal();
        var loaded = sources.Combine(local, null);
        foreach (var diagnostic in loaded.Diagnostics)
        {
            errors.WriteLine(diagnostic);
        }

        if (loaded.HasErrors)
        {
            errors.WriteLine($"hacluster-agent: {localPath}: {loaded.Errors.Count()} error(s), not started");
            return null;
        }

        var managed = sources.ReadStoredManaged();
        if (managed is not null && sources.Combine(local, managed) is var combined)
        {
            if (combined.HasErrors)
            {
                errors.WriteLine($"hacluster-agent: the stored controller config ({store!.TextPath}) no longer fits: "
                    + $"{string.Join("; ", combined.Errors)}; starting without it until the controller sends one");
                managed = null;
            }
            else
            {
                loaded = combined;
            }
        }

        sources.Commit(local, managed);
        return new StartupConfig(sources, loaded.Config);
    }
}

using System.Text.RegularExpressions;

namespace HaCluster.TestSupport;

/// <summary>A real hacluster-agent process inside a lab host, started from the build output next to the tests.</summary>
public sealed partial class AgentProcess : IAsyncDisposable
{
    private AgentProcess(LabHost host, LabProcess process, string configPath)
    {
        Host = host;
        Process = process;
        ConfigPath = configPath;
    }

    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "hacluster-agent.dll");

    public LabHost Host { get; }
    public LabProcess Process { get; }
    public string ConfigPath { get; }

    public static AgentProcess Start(NetnsLab lab, LabHost host, string configText, string? name = null)
    {
        name ??= $"agent-{host.Name}";
        var configPath = Path.Combine(lab.WorkDir, $"{name}.conf");
        File.WriteAllText(configPath, configText);
        var process = lab.Start(host, "dotnet", [AgentDll, "--config", configPath], name);
        return new AgentProcess(host, process, configPath);
    }

    /// <summary>
    /// Managed mode: <c>--controller ADDRESS --node NAME</c>, with a state directory of its own in the lab (kept across
    /// restarts of this host's agent, as on a real host) and a local file without instances.
    /// </summary>
    public static AgentProcess StartManaged(NetnsLab lab, LabHost host, string controller, string localConfig = "global_defs {\n}\n", string? name = null)
    {
        name ??= $"agent-{host.Name}";
        var configPath = Path.Combine(lab.WorkDir, $"{name}.conf");
        File.WriteAllText(configPath, localConfig);
        var stateDir = Path.Combine(lab.WorkDir, $"state-{host.Name}");
        var process = lab.Start(host, "dotnet", [AgentDll, "--config", configPath, "--controller", controller, "--node", host.Name, "--state-dir", stateDir], name);
        return new AgentProcess(host, process, configPath);
    }

    public static AgentProcess Start(NetnsLab lab, LabHost host, params KeepalivedInstance[] instances) =>
        Start(lab, host, Keepalived.Config(host.Name, instances));

    /// <summary>Waits for the structured transition line of <paramref name="instance"/> into <paramref name="state"/>.</summary>
    public async Task<bool> WaitForStateAsync(string state, TimeSpan timeout, string instance = "VI_1", int since = 0)
    {
        var pattern = new Regex($@"VRRP transition instance={Regex.Escape(instance)} from=\w+ to={state}\b");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !Process.HasExited)
        {
            if (pattern.IsMatch(Process.Output[since..]))
            {
                return true;
            }

            await Task.Delay(20); // waits for the agent process writing the line to its output
        }

        return pattern.IsMatch(Process.Output[since..]);
    }

    /// <summary>The states this agent's instance went through, in order, since <paramref name="since"/>.</summary>
    public IReadOnlyList<string> Transitions(string instance = "VI_1", int since = 0) =>
        [.. TransitionLine().Matches(Process.Output[since..]).Where(m => m.Groups[1].Value == instance).Select(m => m.Groups[2].Value)];

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    [GeneratedRegex(@"VRRP transition instance=(\S+) from=\w+ to=(\w+)")]
    private static partial Regex TransitionLine();
}

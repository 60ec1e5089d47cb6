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
    /// An agent started through <paramref name="wrapper"/> (e.g. prlimit and setpriv, as a unit's limits and user would
    /// start it): <c>wrapper... dotnet hacluster-agent.dll --config FILE --metrics off</c>, with a config file the
    /// wrapped user can read.
    /// </summary>
    public static AgentProcess StartWrapped(NetnsLab lab, LabHost host, string configPath, string name, params string[] wrapper)
    {
        var process = lab.Start(host, wrapper[0], [.. wrapper[1..], "dotnet", AgentDll, "--config", configPath, "--metrics", "off"], name);
        return new AgentProcess(host, process, configPath);
    }

    /// <summary>Where <paramref name="host"/>'s managed agent keeps its identity, pushed config and journal (kept across restarts, as on a real host).</summary>
    public static string StateDir(NetnsLab lab, LabHost host) => Path.Combine(lab.WorkDir, $"state-{host.Name}");

    /// <summary>
    /// <c>hacluster-agent enroll</c> inside <paramref name="host"/>'s namespace with a fresh join token for it, as an
    /// operator does on a new host; the identity lands in <see cref="StateDir"/>.
    /// </summary>
    public static async Task<CommandResult> EnrollAsync(NetnsLab lab, LabHost host, ControllerProcess controller, string? token = null, string? node = null) =>
        await lab.ExecAsync(host, "dotnet", AgentDll, "enroll", "--controller", controller.AgentAddress,
            "--token", token ?? await controller.CreateTokenAsync(node ?? host.Name), "--node", node ?? host.Name, "--state-dir", StateDir(lab, host));

    /// <summary>
    /// Managed mode: enrolled first if this host has no identity yet, then <c>--controller ADDRESS</c> with the state
    /// directory and a local file without instances.
    /// </summary>
    public static async Task<AgentProcess> StartManagedAsync(NetnsLab lab, LabHost host, ControllerProcess controller, string localConfig = "global_defs {\n}\n", string? name = null)
    {
        if (!File.Exists(Path.Combine(StateDir(lab, host), "identity.pem")))
        {
            (await EnrollAsync(lab, host, controller)).EnsureSuccess();
        }

        return StartManaged(lab, host, controller.AgentAddress, localConfig, name);
    }

    /// <summary>Managed mode with whatever identity <see cref="StateDir"/> holds (none: the agent says so and exits).</summary>
    public static AgentProcess StartManaged(NetnsLab lab, LabHost host, string controller, string localConfig = "global_defs {\n}\n", string? name = null, params string[] extra)
    {
        name ??= $"agent-{host.Name}";
        var configPath = Path.Combine(lab.WorkDir, $"{name}.conf");
        File.WriteAllText(configPath, localConfig);
        var process = lab.Start(host, "dotnet", [AgentDll, "--config", configPath, "--controller", controller, "--state-dir", StateDir(lab, host), .. extra], name);
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

using Xunit;

namespace HaCluster.TestSupport;

/// <summary>Runs the real keepalived (VRRP only) inside a lab host, as a reference peer.</summary>
public static class Keepalived
{
    /// <summary>Writes <paramref name="configText"/> to <c>{WorkDir}/{name}.conf</c> and starts
    /// <c>keepalived -n -l -D -G -P -f CONF -p PID -r VRRP_PID</c> in the host's namespace.</summary>
    /// <remarks>Own pid files per instance are all two instances on one machine need; <c>-G</c> keeps it off syslog.
    /// It forks a VRRP child, which dies with the parent (PR_SET_PDEATHSIG) and removes the VIPs on SIGTERM.</remarks>
    public static KeepalivedProcess Start(NetnsLab lab, LabHost host, string configText, string? name = null) =>
        Start(lab, host, configText, name, "keepalived");

    /// <summary>keepalived 2.4.3 (auth_hmac), the interop peer built for Debian 12 in ../shared/peers/keepalived-2.4.</summary>
    public static KeepalivedProcess Start24(NetnsLab lab, LabHost host, string configText, string? name = null) =>
        Start(lab, host, configText, name ?? $"keepalived24-{host.Name}", Keepalived24 ?? throw new InvalidOperationException("keepalived 2.4.3 is not available"));

    /// <summary>The keepalived 2.4.3 binary: <c>HACLUSTER_KEEPALIVED24</c>, or ../shared/peers/keepalived-2.4/bin/keepalived next to the repository; null if neither.</summary>
    public static string? Keepalived24 =>
        new[]
        {
            Environment.GetEnvironmentVariable("HACLUSTER_KEEPALIVED24"),
            Path.Combine(Repository.Root, "..", "shared", "peers", "keepalived-2.4", "bin", "keepalived"),
            "/work/shared/peers/keepalived-2.4/bin/keepalived",
        }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p)) is { } path ? Path.GetFullPath(path) : null;

    /// <summary>Skips (or, when privileged tests are required, fails) without keepalived 2.4.3.</summary>
    public static void Require24()
    {
        if (Keepalived24 is not null)
        {
            return;
        }

        const string Reason = "keepalived 2.4.3 (auth_hmac) is needed: ../shared/peers/keepalived-2.4/bin/keepalived or HACLUSTER_KEEPALIVED24";
        Assert.False(Environment.GetEnvironmentVariable(Privileges.RequireVariable) == "1", Reason);
        Skip.If(true, Reason);
    }

    private static KeepalivedProcess Start(NetnsLab lab, LabHost host, string configText, string? name, string program)
    {
        name ??= $"keepalived-{host.Name}";
        var configPath = Path.Combine(lab.WorkDir, $"{name}.conf");
        var runDir = Path.Combine(lab.WorkDir, $"{name}.run");
        Directory.CreateDirectory(runDir);
        var pidFile = Path.Combine(runDir, "keepalived.pid");
        var vrrpPidFile = Path.Combine(runDir, "vrrp.pid");
        // A SIGKILLed earlier run leaves its pid files; keepalived refuses to start if that pid is alive again.
        File.Delete(pidFile);
        File.Delete(vrrpPidFile);
        File.WriteAllText(configPath, configText);
        var process = lab.Start(host, program, ["-n", "-l", "-D", "-G", "-P", "-f", configPath, "-p", pidFile, "-r", vrrpPidFile], name);
        return new KeepalivedProcess(host, process, configPath, pidFile, vrrpPidFile);
    }

    /// <summary>Starts keepalived with <see cref="Config"/> of the given instances.</summary>
    public static KeepalivedProcess Start(NetnsLab lab, LabHost host, params KeepalivedInstance[] instances) =>
        Start(lab, host, Config(host.Name, instances));

    /// <summary>A whole keepalived.conf: <c>global_defs { router_id }</c> (vrrp_strict off) and the instances.</summary>
    public static string Config(string routerId, params KeepalivedInstance[] instances) =>
        $"global_defs {{\n    router_id {routerId}\n}}\n\n{string.Join("\n", instances.Select(i => i.Render()))}";
}

/// <summary>A keepalived started by <see cref="Keepalived.Start(NetnsLab, LabHost, string, string?)"/>.</summary>
public sealed class KeepalivedProcess : IAsyncDisposable
{
    internal KeepalivedProcess(LabHost host, LabProcess process, string configPath, string pidFile, string vrrpPidFile)
    {
        Host = host;
        Process = process;
        ConfigPath = configPath;
        PidFile = pidFile;
        VrrpPidFile = vrrpPidFile;
    }

    public LabHost Host { get; }

    /// <summary>The keepalived parent process; its output (-l -D) is the detailed log.</summary>
    public LabProcess Process { get; }

    public string ConfigPath { get; }

    public string PidFile { get; }

    public string VrrpPidFile { get; }

    /// <summary>Waits for "Startup complete" (the VRRP child has read its config and opened its sockets).</summary>
    public Task<bool> WaitUntilStartedAsync(TimeSpan timeout) =>
        Process.WaitForOutputAsync("Startup complete", timeout);

    /// <summary>Waits for "(VI_1) Entering MASTER STATE" etc. at or after output offset <paramref name="since"/>.</summary>
    /// <param name="state">"MASTER", "BACKUP" or "FAULT".</param>
    public Task<bool> WaitForStateAsync(string state, TimeSpan timeout, string instance = "VI_1", int since = 0) =>
        Process.WaitForOutputAsync($"({instance}) Entering {state} STATE", timeout, since);

    /// <summary>SIGTERM: keepalived sends priority 0, removes its VIPs and exits (takes about a second).</summary>
    public Task<int> StopAsync(TimeSpan? grace = null) => Process.StopAsync(grace);

    /// <summary>SIGKILL of child then parent, like a crash: no priority 0, and the VIP stays configured on the host.</summary>
    public Task KillAsync() => Process.KillAsync();

    /// <summary>SIGHUP: reload the config file (edit <see cref="ConfigPath"/> first).</summary>
    public bool Reload() => Process.Signal(Signals.Hup);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

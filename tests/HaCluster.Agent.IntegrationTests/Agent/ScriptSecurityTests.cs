using HaCluster.TestSupport;

namespace HaCluster.Agent.IntegrationTests.Agent;

/// <summary>
/// keepalived's enable_script_security: a script a non-root user could change (the file, or a directory above it) is
/// refused at its file:line, naming the path; root-only scripts run; without the keyword nothing is checked.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ScriptSecurityTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("hacluster-scriptsec-").FullName;

    public ScriptSecurityTests() => File.SetUnixFileMode(_work, (UnixFileMode)0b111_101_101);

    [SkippableFact]
    public async Task GroupWritableScript_RefusedAtItsLine_NamingThePath()
    {
        Privileges.RequireOrSkip("files owned by root and another group", "chgrp");
        var script = Script("check.sh", 0b111_111_101);
        (await Cmd.RunAsync("chgrp", "daemon", script)).EnsureSuccess();

        var result = await CheckAsync(secure: true, $"vrrp_script chk {{\n    script \"{script} --fast\"\n}}\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"keepalived.conf:4: vrrp_script chk: '{script}' is writable by its group (gid 1): refused by enable_script_security", result.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ScriptInADirectoryOthersCanWrite_Refused_NotifyToo()
    {
        Privileges.RequireOrSkip("files owned by root", "chgrp");
        var open = Path.Combine(_work, "open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0b111_111_111);
        var script = Path.Combine(open, "notify.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);

        var result = await CheckAsync(secure: true, "", $"    notify_master {script}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"vrrp_instance VI_1 notify_master: '{open}' is writable by others: refused by enable_script_security", result.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RootOnlyScripts_Accepted_AndWithoutTheKeywordNothingIsChecked()
    {
        Privileges.RequireOrSkip("files owned by root", "chgrp");
        var safe = Script("safe.sh", 0b111_101_101);
        var loose = Script("loose.sh", 0b111_111_111);

        var secured = await CheckAsync(secure: true, $"vrrp_script chk {{\n    script {safe}\n}}\n", "    notify_fault \"/bin/true fault\"");
        var unsecured = await CheckAsync(secure: false, $"vrrp_script chk {{\n    script {loose}\n}}\n");

        Assert.True(secured.ExitCode == 0, secured.ToString());
        Assert.True(unsecured.ExitCode == 0, unsecured.ToString());
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Script(string name, int mode)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        return path;
    }

    private async Task<CommandResult> CheckAsync(bool secure, string blocks, string instanceLines = "")
    {
        var config = Path.Combine(_work, "keepalived.conf");
        await File.WriteAllTextAsync(config,
            $"global_defs {{\n{(secure ? "    enable_script_security\n" : "")}}}\n{blocks}"
            + $"vrrp_instance VI_1 {{\n    interface lo\n    virtual_router_id 51\n    priority 100\n    virtual_ipaddress {{\n        192.0.2.100\n    }}\n{instanceLines}\n}}\n");
        return await Cmd.RunAsync("dotnet", [AgentProcess.AgentDll, "--config", config, "--check"], TimeSpan.FromSeconds(60));
    }
}

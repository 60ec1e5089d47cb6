using HaCluster.Agent.Control;
using HaCluster.Agent.Hosting;
using HaCluster.Agent.Tests.Fakes;
using HaCluster.Agent.Vrrp;
using HaCluster.Contracts;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaCluster.Agent.Tests.Hosting;

/// <summary>Reload (SIGHUP) and controller pushes through the agent's one apply path, on fake edges.</summary>
public sealed class AgentServiceTests : IDisposable
{
    private static readonly TimeSpan MasterDown = VrrpTimers.MasterDownInterval(2, 100, TimeSpan.FromSeconds(1));
    private readonly string _dir = Directory.CreateTempSubdirectory("hc-agent-").FullName;
    private readonly FakeHost _host = new();
    private AgentService? _agent;

    private string LocalFile => Path.Combine(_dir, "keepalived.conf");

    public void Dispose()
    {
        _agent?.StopAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(30));
        _host.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Reload_OneInstanceChanged_OnlyThatOneRestarted_TheOtherKeepsMastering()
    {
        await StartAsync(FakeHost.Instance("VI_1", 27) + FakeHost.Instance("VI_2", 28));
        _host.Advance(MasterDown);
        var vi1 = _agent!.Runners.Single(r => r.Name == "VI_1");

        await File.WriteAllTextAsync(LocalFile, FakeHost.Instance("VI_1", 27) + FakeHost.Instance("VI_2", 28, extra: "nopreempt"));
        await _agent.ReloadAsync();
        _host.Flush();

        Assert.Same(vi1, _agent.Runners.Single(r => r.Name == "VI_1"));
        Assert.Equal(VrrpState.Master, vi1.State.State);
        Assert.Equal(VrrpState.Backup, _agent.Runners.Single(r => r.Name == "VI_2").State.State);
    }

    [Fact]
    public async Task Reload_FileWithErrors_RejectedWhole_TheRunningConfigStays()
    {
        await StartAsync(FakeHost.Instance());
        _host.Advance(MasterDown);

        await File.WriteAllTextAsync(LocalFile, FakeHost.Instance(priority: 300));
        await _agent!.ReloadAsync();

        var runner = Assert.Single(_agent.Runners);
        Assert.Equal((100, VrrpState.Master), ((int)runner.BasePriority, runner.State.State));
    }

    [Fact]
    public async Task Push_Valid_RunsBesideTheHostsOwnInstances_AndIsKeptOnDisk()
    {
        await StartAsync(FakeHost.Instance("VI_1", 27));

        var errors = await _agent!.ApplyManagedAsync(Desired("h1", FakeHost.Instance("HC_web", 28)), CancellationToken.None);
        _host.Flush();

        Assert.Empty(errors);
        Assert.Equal(["HC_web", "VI_1"], _agent.Runners.Select(r => r.Name).Order());
        Assert.Equal("h1", new ManagedConfigStore(_dir).Load()?.Hash);
        Assert.Equal("h1", _agent.Managed?.Hash);
    }

    [Fact]
    public async Task Push_ClashingWithTheHostsFile_RejectedWithBothPlaces_NothingChanges()
    {
        await StartAsync(FakeHost.Instance("VI_1", 27));

        var errors = await _agent!.ApplyManagedAsync(Desired("h1", FakeHost.Instance("HC_web", 27)), CancellationToken.None);

        Assert.Contains(errors, e => e.Contains("managed.conf:", StringComparison.Ordinal) && e.Contains("27", StringComparison.Ordinal));
        Assert.Equal(["VI_1"], _agent.Runners.Select(r => r.Name));
        Assert.Null(_agent.Managed);
        Assert.Null(new ManagedConfigStore(_dir).Load());
    }

    [Theory]
    [InlineData("notify_master \"/bin/touch /tmp/x\"", "notify_master")]
    [InlineData("track_script {\n        chk\n    }", "track_script")]
    [InlineData("track_interface {\n        eth0\n    }", "track_interface")]
    public async Task Push_WithWhatTheControllerNeverRenders_RefusedWhole_TheRunningPushStays(string extra, string keyword)
    {
        await StartAsync(FakeHost.Instance("VI_1", 27));
        await _agent!.ApplyManagedAsync(Desired("h1", FakeHost.Instance("HC_web", 28)), CancellationToken.None);
        _host.Flush();
        _host.Advance(MasterDown);
        var web = _agent.Runners.Single(r => r.Name == "HC_web");

        var errors = await _agent.ApplyManagedAsync(Desired("h2", FakeHost.Instance("HC_web", 28, priority: 50, extra: extra)), CancellationToken.None);

        Assert.Contains(errors, e => e.Contains("managed.conf:", StringComparison.Ordinal) && e.Contains($"'{keyword}' is not accepted from a controller", StringComparison.Ordinal));
        Assert.Same(web, _agent.Runners.Single(r => r.Name == "HC_web"));
        Assert.Equal((100, VrrpState.Master), ((int)web.BasePriority, web.State.State));
        Assert.Equal("h1", _agent.Managed?.Hash);
        Assert.Equal("h1", new ManagedConfigStore(_dir).Load()?.Hash);
    }

    [Fact]
    public async Task Push_Stored_FilesReadableByTheAgentsUserOnly()
    {
        await StartAsync(FakeHost.Instance("VI_1", 27));

        await _agent!.ApplyManagedAsync(Desired("h1", FakeHost.Instance("HC_web", 28)), CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "managed.conf")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "desired.pb")));
    }

    [Fact]
    public async Task Push_SameTextAgain_NothingRestarted_TheNewRevisionsRecorded()
    {
        await StartAsync(FakeHost.Instance("VI_1", 27));
        await _agent!.ApplyManagedAsync(Desired("h1", FakeHost.Instance("HC_web", 28)), CancellationToken.None);
        _host.Flush();
        var web = _agent.Runners.Single(r => r.Name == "HC_web");

        var again = Desired("h1", FakeHost.Instance("HC_web", 28));
        again.Groups.Add(new GroupRevision { Group = "web", Revision = 2 });
        Assert.Empty(await _agent.ApplyManagedAsync(again, CancellationToken.None));

        Assert.Same(web, _agent.Runners.Single(r => r.Name == "HC_web"));
        Assert.Equal(2, _agent.Managed!.Groups.Single().Revision);
    }

    [Fact]
    public async Task Facts_TheHostsInterfacesAndOwnAddresses_WithoutTheVipsItHolds()
    {
        await StartAsync(FakeHost.Instance());
        _host.Advance(MasterDown);

        var facts = _agent!.Facts();

        Assert.Equal(["eth0", "lo"], facts.Interfaces);
        Assert.Equal(["192.0.2.10/24"], facts.Addresses);
    }

    private async Task StartAsync(string local)
    {
        await File.WriteAllTextAsync(LocalFile, local);
        var sources = new AgentConfigSources(LocalFile, new ManagedConfigStore(_dir));
        var loaded = sources.Combine(sources.ReadLocal(), null);
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Errors));
        sources.Commit(sources.ReadLocal(), null);
        _agent = new AgentService(new AgentOptions(null), sources, loaded.Config, () => _host.Edges, NullLoggerFactory.Instance);
        await _agent.StartAsync(watchHost: false);
        _host.Flush();
    }

    private static DesiredConfig Desired(string hash, string text) => new() { Hash = hash, Text = text };
}

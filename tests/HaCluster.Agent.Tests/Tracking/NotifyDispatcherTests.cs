using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaCluster.Agent.Tests.Tracking;

/// <summary>Real /bin/sh scripts: the per-state notifies, keepalived's GROUP form, order, and the timeout.</summary>
public sealed class NotifyDispatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hc-notify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Log => Path.Combine(_dir, "calls");

    /// <summary>A script that records it ran (the dispatcher appends keepalived's arguments to <c>notify</c> itself).</summary>
    private string Append(string what) => $"echo {what} >> {Log}";

    [Fact]
    public async Task EveryStateScript_AndNotifyWithTheGroupForm_InTheOrderOfTheTransitions()
    {
        var config = new NotifyConfig
        {
            Master = Append("master"),
            Backup = Append("backup"),
            Fault = Append("fault"),
            Stop = Append("stop"),
            Any = Append("any"),
        };
        var notify = new NotifyDispatcher("GROUP", "G1", config, TimeSpan.FromSeconds(10), ShellScript.Instance, NullLogger.Instance);
        notify.Enqueue(VrrpState.Backup, 100);
        notify.Enqueue(VrrpState.Master, 100);
        notify.Enqueue(VrrpState.Fault, 0);
        notify.Enqueue(VrrpState.Stopped, 0);
        await notify.Complete();

        Assert.Equal(
            ["backup", "any GROUP G1 BACKUP 100", "master", "any GROUP G1 MASTER 100", "fault", "any GROUP G1 FAULT 0", "stop", "any GROUP G1 STOP 0"],
            File.ReadAllLines(Log));
    }

    [Fact]
    public async Task HungScript_KilledAtTheTimeout_TheNextOneStillRuns()
    {
        var config = new NotifyConfig { Master = "sleep 60", Backup = Append("backup") };
        var started = DateTime.UtcNow;
        var notify = new NotifyDispatcher("INSTANCE", "VI_1", config, TimeSpan.FromMilliseconds(500), ShellScript.Instance, NullLogger.Instance);
        notify.Enqueue(VrrpState.Master, 100);
        notify.Enqueue(VrrpState.Backup, 100);
        await notify.Complete();

        Assert.Equal(["backup"], File.ReadAllLines(Log));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the hung script held the queue past its timeout");
    }

    [Fact]
    public void Complete_NeverBlocks_EvenWithAHungScriptRunning()
    {
        var notify = new NotifyDispatcher("INSTANCE", "VI_1", new NotifyConfig { Master = "sleep 60" }, TimeSpan.FromSeconds(30), ShellScript.Instance, NullLogger.Instance);
        notify.Enqueue(VrrpState.Master, 100);

        var drained = notify.Complete();

        Assert.False(drained.IsCompleted);
    }

    [Fact]
    public async Task FailingOrMissingScript_LoggedNotThrown_OthersRun()
    {
        var config = new NotifyConfig { Master = "/nonexistent/notify", Any = Append("any") };
        var notify = new NotifyDispatcher("INSTANCE", "VI_1", config, TimeSpan.FromSeconds(5), ShellScript.Instance, NullLogger.Instance);
        notify.Enqueue(VrrpState.Master, 100);
        await notify.Complete();

        Assert.Equal(["any INSTANCE VI_1 MASTER 100"], File.ReadAllLines(Log));
    }
}

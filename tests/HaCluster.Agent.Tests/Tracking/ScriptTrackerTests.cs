using HaCluster.Agent.Tests.Fakes;
using HaCluster.Agent.Tracking;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaCluster.Agent.Tests.Tracking;

/// <summary>
/// keepalived's counting of a vrrp_script's results, with real scripts: unknown until the first run ends, which decides
/// at once; rise and fall count from then on; init_fail starts failed. Each script appends a line per run to a file,
/// read at the moment the tracker reports, so the tests count runs, not seconds.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ScriptTrackerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hacluster-tracker-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task FirstRunFails_FailedAtOnce_EvenWithFallThree()
    {
        using var tracker = Track("exit 1", fall: 3);
        Assert.False(tracker.Known);

        var (ok, runs) = await NextChangeAsync();

        Assert.Equal((false, 1), (ok, runs));
    }

    [Fact]
    public async Task FirstRunSucceeds_OkAtOnce_EvenWithRiseThree()
    {
        using var tracker = Track("exit 0", rise: 3);

        Assert.Equal((true, 1), await NextChangeAsync());
    }

    [Fact]
    public async Task InitFail_StartsFailed_AndNeedsRiseSuccesses()
    {
        using var tracker = Track("exit 0", rise: 2, initFail: true);
        Assert.True(tracker.Known);
        Assert.False(tracker.Ok);

        Assert.Equal((true, 2), await NextChangeAsync());
    }

    [Fact]
    public async Task AfterTheFirstResult_FallCountsFailuresInARow()
    {
        // Succeeds twice, then fails for good: OK after run 1, FAILED after the third failure (run 5).
        using var tracker = Track("test $(wc -l < \"$RUNS\") -le 2", fall: 3);

        Assert.Equal((true, 1), await NextChangeAsync());
        Assert.Equal((false, 5), await NextChangeAsync());
    }

    [Fact]
    public async Task ScriptThatCannotRun_IsAFailure_NotAHang()
    {
        using var tracker = Track("/nonexistent/check_haproxy");

        var (ok, _) = await NextChangeAsync();

        Assert.False(ok);
        Assert.True(tracker.Known);
    }

    [Fact]
    public async Task UnknownUser_IsLoggedOnceWithItsName_AndCountsAsAFailure()
    {
        var logger = new ListLogger();
        var config = new VrrpScriptConfig("chk", "true") { Interval = TimeSpan.FromMilliseconds(100), User = "hacluster-no-such-user" };
        using var tracker = new ScriptTracker(config, ShellScript.Instance, TimeProvider.System, logger);
        tracker.Changed += t => _changes.Writer.TryWrite((t.Ok, 0));
        tracker.Start();

        if (ShellScript.Instance.CanSwitchUser)
        {
            // As root (CI): the script never runs as root instead; the problem is said once, not on every run.
            Assert.False((await NextChangeAsync()).Ok);
            await Task.Delay(500); // waits for more runs of the real /bin/sh script (100 ms apart): the problem must still be said once
            Assert.Single(logger.Lines, l => l.Contains("cannot run as the configured user: no such user 'hacluster-no-such-user'", StringComparison.Ordinal));
        }
        else
        {
            // Unprivileged: user cannot take effect, which is said at start; the script runs as this user.
            Assert.True((await NextChangeAsync()).Ok);
            Assert.Contains(logger.Lines, l => l.Contains("user hacluster-no-such-user cannot take effect", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task StoppedMidRun_TheRunIsKilled_NotCountedNorLoggedAsATimeout()
    {
        var logger = new ListLogger();
        var started = Path.Combine(_dir, "started");
        var config = new VrrpScriptConfig("chk", $"touch {started}; sleep 30") { Interval = TimeSpan.FromSeconds(60), Timeout = TimeSpan.FromSeconds(60) };
        var tracker = new ScriptTracker(config, ShellScript.Instance, TimeProvider.System, logger);
        tracker.Changed += t => _changes.Writer.TryWrite((t.Ok, 0));
        tracker.Start();
        while (!File.Exists(started))
        {
            await Task.Delay(20); // waits for the real /bin/sh script creating its file
        }

        tracker.Dispose();
        await Task.Delay(1000); // waits for the killed /bin/sh script: had it counted, its change would be queued by now

        Assert.False(_changes.Reader.TryRead(out _));
        Assert.False(tracker.Known);
        Assert.Equal(0, tracker.Timeouts);
        Assert.Empty(logger.Lines);
    }

    private readonly System.Threading.Channels.Channel<(bool Ok, int Runs)> _changes =
        System.Threading.Channels.Channel.CreateUnbounded<(bool Ok, int Runs)>();

    private string Runs => Path.Combine(_dir, "runs");

    private ScriptTracker Track(string check, int rise = 1, int fall = 1, bool initFail = false)
    {
        var script = Path.Combine(_dir, "check.sh");
        File.WriteAllText(script, $"#!/bin/sh\nRUNS={Runs}\necho run >> \"$RUNS\"\n{check}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Runs every 100 ms, but each may take up to 10 s: these tests count results, and a run killed for being slow on
        // a loaded machine (the timeout defaults to the interval) would be a failure they did not make (it failed once so).
        var config = new VrrpScriptConfig("chk", check.StartsWith('/') ? check : script)
        {
            Interval = TimeSpan.FromMilliseconds(100),
            Timeout = TimeSpan.FromSeconds(10),
            Rise = rise,
            Fall = fall,
            InitFail = initFail,
        };
        var tracker = new ScriptTracker(config, ShellScript.Instance, TimeProvider.System, NullLogger.Instance);
        // Raised on the tracker's task right after the run that changed it, before the next run starts.
        tracker.Changed += t => _changes.Writer.TryWrite((t.Ok, File.Exists(Runs) ? File.ReadAllLines(Runs).Length : 0));
        tracker.Start();
        return tracker;
    }

    private async Task<(bool Ok, int Runs)> NextChangeAsync() =>
        await _changes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}

using System.Net;
using HaCluster.Agent.Tests.Fakes;
using HaCluster.Agent.Vrrp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HaCluster.Agent.Tests.Vrrp;

/// <summary>The engine thread: deadlines on the injected clock, its bounded inbox, and its drain on dispose.</summary>
public sealed class VrrpEngineTests : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private readonly FakeTimeProvider _time = new();
    private readonly VrrpEngine _engine;

    public VrrpEngineTests() => _engine = new VrrpEngine(_time);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void Deadlines_FollowTheInjectedClock_NotTheWallClock()
    {
        var (runner, _) = Runner();
        runner.Start(interfaceUp: true);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        var deadline = runner.State.MasterDownAt!.Value;

        // Real time passes (the flush above, this test's own work); the fake clock has not moved: nothing is due.
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(VrrpState.Backup, runner.State.State);

        _time.Advance(deadline - _engine.Now - Tick);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(VrrpState.Backup, runner.State.State);
        _time.Advance(Tick);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(VrrpState.Master, runner.State.State);
    }

    /// <summary>A master's next advert: not one tick before its interval has passed, and on the deadline itself.</summary>
    [Fact]
    public void AdvertDeadline_NotSentOneTickBefore_SentOnTheDeadline()
    {
        var (runner, io) = Runner();
        runner.Start(interfaceUp: true);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        _time.Advance(runner.State.MasterDownAt!.Value - _engine.Now);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(VrrpState.Master, runner.State.State);
        var next = runner.State.NextDeadline!.Value;
        io.Clear();

        _time.Advance(next - _engine.Now - Tick);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        Assert.Empty(io.Actions);
        _time.Advance(Tick);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));

        Assert.Equal(["advert 100"], io.Actions);
        Assert.Equal(next + TimeSpan.FromSeconds(1), runner.State.NextDeadline);
    }

    /// <summary>What is left of a wait: to the tick, zero once the deadline has come (never negative), none without one.</summary>
    [Fact]
    public void Remaining_ToTheTick_ZeroOnTheDeadlineAndAfter()
    {
        var now = TimeSpan.FromSeconds(3);
        Assert.Equal(Tick, DeadlineWait.Remaining(now + Tick, now));
        Assert.Equal(TimeSpan.Zero, DeadlineWait.Remaining(now, now));
        Assert.Equal(TimeSpan.Zero, DeadlineWait.Remaining(now - Tick, now));
        Assert.Null(DeadlineWait.Remaining(null, now));
        Assert.Equal(TimeSpan.FromMicroseconds(10_250.5), DeadlineWait.Remaining(now + TimeSpan.FromMicroseconds(10_250.5), now));
    }

    [Fact]
    public void MovingTheClock_WakesTheSleepingEngine_WithoutAnyPost()
    {
        var (runner, _) = Runner();
        var master = new ManualResetEventSlim();
        runner.Transitioned += (_, t) =>
        {
            if (t.To == VrrpState.Master)
            {
                master.Set();
            }
        };
        runner.Start(interfaceUp: true);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));

        _time.Advance(TimeSpan.FromSeconds(10));

        // Nothing was posted after the move: only the engine's timer on the fake clock can have woken it.
        Assert.True(master.Wait(TimeSpan.FromSeconds(10)), "the engine slept through its deadline");
    }

    [Fact]
    public void Flood_AdvertsBeyondTheInboxAreRefused_EventsThatMustNotBeLostAreKept()
    {
        var (stuck, stuckIo) = Runner();
        var (runner, _) = Runner();
        stuckIo.HoldBind = new ManualResetEventSlim();
        stuck.Start(interfaceUp: true);
        runner.Start(interfaceUp: true);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        // The stuck instance becomes master: the engine thread now waits inside its edge, so nothing is taken off the inbox.
        _time.Advance(TimeSpan.FromSeconds(5));

        var refused = Enumerable.Range(0, 20_000).Count(_ => !runner.Post(new VrrpEvent.AdvertReceived(IPAddress.Parse("192.0.2.11"), 200, TimeSpan.FromSeconds(1))));
        runner.Post(new VrrpEvent.InterfaceChanged(Up: false));
        stuckIo.HoldBind.Set();
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(10)));

        Assert.True(refused > 0, "no advert was refused");
        Assert.Equal(VrrpState.Fault, runner.State.State);
    }

    [Fact]
    public void Dispose_CarriesOutWhatWasQueuedBeforeIt()
    {
        var (runner, io) = Runner();
        runner.Start(interfaceUp: true);
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(_engine.Flush(TimeSpan.FromSeconds(5)));
        Assert.Equal(VrrpState.Master, runner.State.State);
        io.Clear();

        _engine.PostReliably(runner, new VrrpEvent.Shutdown());
        _engine.Dispose();

        Assert.Equal(["advert 0", "remove vips"], io.Actions);
    }

    private (InstanceRunner Runner, RecordingIo Io) Runner()
    {
        var io = new RecordingIo();
        var settings = new VrrpSettings(2, 100, TimeSpan.FromSeconds(1), IPAddress.Parse("192.0.2.10"));
        return (new InstanceRunner("VI_1", "eth0", 27, settings, io, new InstanceCounters(_time), NullLogger.Instance, _engine), io);
    }
}

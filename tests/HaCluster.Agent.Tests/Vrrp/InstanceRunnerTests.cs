using System.Net;
using HaCluster.Agent.Tests.Fakes;
using HaCluster.Agent.Vrrp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HaCluster.Agent.Tests.Vrrp;

/// <summary>
/// The runner on the real engine thread with a fake clock and a recording edge: each deadline at −1 tick (nothing
/// happens) and on the tick (it does), and what it carries out, in order.
/// </summary>
public sealed class InstanceRunnerTests : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MasterDown = VrrpTimers.MasterDownInterval(2, 100, Interval);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingIo _io = new();
    private readonly VrrpEngine _engine;
    private readonly InstanceRunner _runner;
    private readonly List<TransitionRecord> _transitions = [];

    public InstanceRunnerTests()
    {
        _engine = new VrrpEngine(_time);
        var settings = new VrrpSettings(2, 100, Interval, IPAddress.Parse("192.0.2.10")) { GarpMasterDelay = TimeSpan.FromSeconds(5), GarpMasterRepeat = 5 };
        _runner = new InstanceRunner("VI_1", "eth0", 27, settings, _io, new InstanceCounters(_time), NullLogger.Instance, _engine);
        _runner.Transitioned += (_, t) =>
        {
            lock (_transitions)
            {
                _transitions.Add(t);
            }
        };
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public void Start_Backup_ThenMasterOnTheMasterDownDeadline_NotOneTickBefore()
    {
        Start();
        Assert.Equal(VrrpState.Backup, _runner.State.State);
        Assert.Empty(_io.Actions);

        Advance(MasterDown - Tick);
        Assert.Equal(VrrpState.Backup, _runner.State.State);
        Assert.Empty(_io.Actions);

        Advance(Tick);
        Assert.Equal(VrrpState.Master, _runner.State.State);
        Assert.Equal(["add vips", "advert 100", "garp 5"], _io.Actions);
        var takeover = _transitions[^1];
        Assert.Equal((VrrpState.Backup, VrrpState.Master, TransitionReason.MasterDownTimer), (takeover.From, takeover.To, takeover.Reason));
        Assert.Equal(_time.GetUtcNow(), takeover.At);
    }

    [Fact]
    public void Master_AdvertsOneIntervalApart_AndTheDelayedGarpsOnTheirDeadline()
    {
        BecomeMaster();

        Advance(Interval - Tick);
        Assert.Empty(_io.Actions);
        Advance(Tick);
        Assert.Equal(["advert 100"], _io.Actions);

        // garp_master_delay (5 s) counts from the takeover, one interval ago.
        Advance(Interval);
        Advance(Interval);
        Advance(Interval);
        _io.Clear();
        Advance(Interval - Tick);
        Assert.Empty(_io.Actions);
        Advance(Tick);
        Assert.Equal(["advert 100", "garp 5"], _io.Actions);
    }

    [Fact]
    public void Backup_HearsAMasterBeforeItsDeadline_TheDeadlineMovesOn()
    {
        Start();
        Advance(MasterDown - Tick);

        Post(new VrrpEvent.AdvertReceived(IPAddress.Parse("192.0.2.11"), 200, Interval));
        Advance(Tick);

        Assert.Equal(VrrpState.Backup, _runner.State.State);
        Assert.Equal(MasterDown - Tick + MasterDown, _runner.State.MasterDownAt);
    }

    [Fact]
    public void Backup_HearsPriorityZero_TakesOverAfterSkewTime()
    {
        Start();
        Post(new VrrpEvent.AdvertReceived(IPAddress.Parse("192.0.2.11"), 0, Interval));
        var skew = VrrpTimers.SkewTime(2, 100, Interval);

        Advance(skew - Tick);
        Assert.Equal(VrrpState.Backup, _runner.State.State);
        Advance(Tick);

        Assert.Equal(VrrpState.Master, _runner.State.State);
        Assert.Equal(TransitionReason.PriorityZeroReceived, _transitions[^1].Reason);
    }

    [Fact]
    public void Master_VipsCannotBeBound_FaultWithPriorityZero_NeverAdvertisingItsOwn()
    {
        _io.BindError = "192.0.2.100/32: address already in use on eth1";
        Start();
        Advance(MasterDown);

        Assert.Equal(VrrpState.Fault, _runner.State.State);
        // Nothing at its own priority, no GARP: a backup hears priority 0 and takes over after Skew_Time.
        Assert.Equal(["add vips", "remove vips", "advert 0"], _io.Actions);
        Assert.Equal(TransitionReason.VipBindFailed, _transitions[^1].Reason);
    }

    [Fact]
    public void Stop_AsMaster_PriorityZeroThenVipsRemoved_ThenStop()
    {
        BecomeMaster();

        _runner.Stop(TimeSpan.FromSeconds(10));

        Assert.Equal(["advert 0", "remove vips"], _io.Actions);
        Assert.Equal(VrrpState.Stopped, _runner.State.State);
        Assert.Equal(TransitionReason.Shutdown, _transitions[^1].Reason);
    }

    [Fact]
    public void Takeover_RecordsWhenTheOldMasterWasLastHeard_OnTheInjectedClock()
    {
        Start();
        var heard = _time.GetUtcNow();
        _runner.Counters.AdvertReceived(100);
        Post(new VrrpEvent.AdvertReceived(IPAddress.Parse("192.0.2.11"), 100, Interval));

        Advance(MasterDown);

        Assert.Equal(VrrpState.Master, _runner.State.State);
        Assert.Equal(heard, _transitions[^1].MasterLastHeardAt);
        Assert.Equal(MasterDown, _transitions[^1].At - heard);
    }

    private void Start()
    {
        _runner.Start(interfaceUp: true);
        Flush();
    }

    private void BecomeMaster()
    {
        Start();
        Advance(MasterDown);
        Assert.Equal(VrrpState.Master, _runner.State.State);
        _io.Clear();
    }

    private void Post(VrrpEvent @event)
    {
        Assert.True(_runner.Post(@event));
        Flush();
    }

    private void Advance(TimeSpan by)
    {
        _time.Advance(by);
        Flush();
    }

    private void Flush() => Assert.True(_engine.Flush(TimeSpan.FromSeconds(10)));
}

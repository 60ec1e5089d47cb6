using System.Diagnostics;
using System.Runtime.InteropServices;
using HaCluster.Agent.Net;
using HaCluster.Agent.Vrrp;

namespace HaCluster.Agent.Tests.Net;

/// <summary>The engine's sleep on the system clock (eventfd and ppoll): no wake lost, and never back before its time.</summary>
public sealed class PollWaitTests : IDisposable
{
    private readonly PollWait _wait = new();

    public void Dispose() => _wait.Dispose();

    /// <summary>A wake that came before the sleep (while the engine was busy) ends the next sleep at once.</summary>
    [Fact]
    public void WakeWhileAnnounced_NextSleepReturnsAtOnce()
    {
        var woken = false;
        // The producer's wake lands between the announcement and the last look, the race the flag is there for.
        _wait.Sleep(null, () =>
        {
            if (!woken)
            {
                woken = true;
                _wait.Wake();
            }

            return false;
        });

        Assert.True(woken);
    }

    /// <summary>Work already queued when the sleep is announced: no sleep at all.</summary>
    [Fact]
    public void ReadyAtTheLastLook_DoesNotSleep()
    {
        var started = Stopwatch.GetTimestamp();
        _wait.Sleep(TimeSpan.FromHours(1), () => true);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(1));
    }

    /// <summary>A sleep with a timeout lasts at least that long (to the microsecond, not rounded to milliseconds either way).</summary>
    [Fact]
    public void Timeout_NeverReturnsBeforeIt()
    {
        for (var i = 0; i < 20; i++)
        {
            var timeout = TimeSpan.FromMicroseconds(1_300 + (37 * i));
            var started = Stopwatch.GetTimestamp();
            _wait.Sleep(timeout, () => false);
            Assert.True(Stopwatch.GetElapsedTime(started) >= timeout, $"returned before {timeout.TotalMicroseconds} µs");
        }
    }

    /// <summary>
    /// A signal handled on the sleeping thread ends a ppoll with EINTR (never restarted): the sleep polls again for
    /// what is left and still lasts its whole timeout. (It failed CI once so: the runtime handles SIGCHLD and others.)
    /// </summary>
    [Fact]
    public void Timeout_SignalsHandledOnTheSleepingThread_DoNotEndItEarly()
    {
        const int sigcont = 18; // harmless to a running process; with a handler registered, it interrupts a ppoll
        using var handler = PosixSignalRegistration.Create(PosixSignal.SIGCONT, context => context.Cancel = true);
        var tid = 0;
        var timeout = TimeSpan.FromMilliseconds(300);
        var sleeper = new Thread(() =>
        {
            var started = Stopwatch.GetTimestamp();
            _wait.Sleep(timeout, () =>
            {
                Volatile.Write(ref tid, LibC.GetTid());
                return false;
            });
            Volatile.Write(ref tid, -(int)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        });
        sleeper.Start();
        var signals = 0;
        while (sleeper.IsAlive)
        {
            if (Volatile.Read(ref tid) is > 0 and var t && tgkill(Environment.ProcessId, t, sigcont) == 0)
            {
                signals++;
            }

            Thread.Sleep(20);
        }

        var slept = TimeSpan.FromMicroseconds(-Volatile.Read(ref tid));
        Assert.True(signals > 1, $"only {signals} signals were sent");
        Assert.True(slept >= timeout, $"returned after {slept.TotalMicroseconds} µs of {timeout.TotalMicroseconds}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int tgkill(int tgid, int tid, int sig);

    /// <summary>Another thread's wake ends a sleep without a timeout.</summary>
    [Fact]
    public async Task WakeFromAnotherThread_EndsAnEndlessSleep()
    {
        var sleeping = new ManualResetEventSlim();
        var sleeper = Task.Run(() => _wait.Sleep(null, () =>
        {
            sleeping.Set();
            return false;
        }));
        Assert.True(sleeping.Wait(TimeSpan.FromSeconds(10)));

        // Until the sleep has begun, a wake is taken by the flag; repeat until it has ended the sleep.
        while (await Task.WhenAny(sleeper, Task.Delay(50)) != sleeper)
        {
            _wait.Wake();
        }

        await sleeper;
    }

    /// <summary>The engine on the system clock with the precise wait: a lone instance becomes master, its adverts go on.</summary>
    [Fact]
    public void Engine_OnTheSystemClockWithThePreciseWait_RunsAnInstance()
    {
        using var engine = new VrrpEngine(TimeProvider.System, new PollWait());
        var io = new Fakes.RecordingIo();
        var settings = new VrrpSettings(3, 100, TimeSpan.FromMilliseconds(10), System.Net.IPAddress.Parse("192.0.2.10"));
        var runner = new InstanceRunner("VI_1", "eth0", 27, settings, io, new InstanceCounters(TimeProvider.System),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, engine);
        runner.Start(interfaceUp: true);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (io.Actions.Count(a => a.StartsWith("advert", StringComparison.Ordinal)) < 5 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10); // waits for the engine: Master_Down (about 40 ms), then adverts every 10 ms
        }

        Assert.Equal(VrrpState.Master, runner.State.State);
        Assert.True(io.Actions.Count(a => a.StartsWith("advert", StringComparison.Ordinal)) >= 5);
    }
}

using System.Globalization;
using HaCluster.Bench;
using HaCluster.TestSupport;

// hacluster-bench [failover|planned|footprint|hmac|controller|alerts|stress|all] [--runs N] [--agent PATH] [--streams N] [--events-per-agent N] [--seconds N]:
// hacluster-agent next to keepalived, same lab, same run; the controller under N simulated agents on PostgreSQL.
var mode = args.FirstOrDefault(a => a is "failover" or "planned" or "footprint" or "jitter" or "controller" or "hmac" or "alerts" or "stress" or "all") ?? "all";
var runs = Option("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 3;
if (Option("--agent") is { } binary)
{
    Daemon.Agent = Daemon.NativeAgent(binary);
}

if (!Privileges.CanUseNamespaces)
{
    Console.Error.WriteLine("hacluster-bench needs root (network namespaces, raw sockets) and: ip, tcpdump, socat, keepalived.");
    return 2;
}

Daemon[] daemons = [Daemon.Agent, Daemon.Keepalived];
if (mode is "failover" or "all")
{
    Setting[] settings = [new("v2 advert_int 1", 2, 1.0), new("v3 advert_int 0.1", 3, 0.1)];
    var measurements = new List<Measurement>();
    for (var run = 1; run <= runs; run++)
    {
        foreach (var (setting, daemon) in settings.SelectMany(s => daemons.Select(d => (s, d))))
        {
            measurements.AddRange(await FailoverBench.RunAsync(daemon, setting, line => Console.Error.WriteLine($"[run {run}/{runs}] {line}")));
        }
    }

    Console.WriteLine(Report.Markdown(measurements, runs));
}

if (mode is "failover" or "planned" or "all")
{
    Setting[] settings = [new("v2 advert_int 1", 2, 1.0), new("v3 advert_int 0.1", 3, 0.1)];
    var planned = new List<PlannedMeasurement>();
    for (var run = 1; run <= runs; run++)
    {
        foreach (var setting in settings)
        {
            planned.AddRange(await PlannedBench.RunAsync(setting, line => Console.Error.WriteLine($"[run {run}/{runs}] {line}")));
        }
    }

    Console.WriteLine(PlannedBench.Markdown(planned, runs));
}

if (mode is "footprint" or "all")
{
    var window = TimeSpan.FromSeconds(60);
    var footprints = new List<Footprint>();
    var jitters = new List<Jitter>();
    for (var run = 1; run <= runs; run++)
    {
        void Log(string line) => Console.Error.WriteLine($"[run {run}/{runs}] {line}");
        foreach (var (instances, daemon) in new[] { 1, 100 }.SelectMany(n => daemons.Select(d => (n, d))))
        {
            footprints.Add(await FootprintBench.IdleAsync(daemon, instances, window, Log));
        }

        foreach (var daemon in daemons)
        {
            jitters.Add(await FootprintBench.JitterAsync(daemon, TimeSpan.FromSeconds(10), Log));
        }
    }

    Console.WriteLine(Report.Footprint(footprints, jitters));
}

if (mode is "jitter")
{
    var jitters = new List<Jitter>();
    for (var run = 0; run < runs; run++)
    {
        foreach (var daemon in daemons)
        {
            jitters.Add(await FootprintBench.JitterAsync(daemon, TimeSpan.FromSeconds(10), Console.Error.WriteLine));
        }
    }

    Console.WriteLine(Report.Footprint([], jitters));
}

if (mode is "hmac" or "all")
{
    Console.WriteLine(HmacBench.Micro());
    Console.WriteLine(await HmacBench.FootprintAsync(Daemon.Agent, runs, TimeSpan.FromSeconds(30), Console.Error.WriteLine));
}

if (mode is "controller" or "all")
{
    var streams = Option("--streams") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 1000;
    var perAgent = Option("--events-per-agent") is { } e ? int.Parse(e, CultureInfo.InvariantCulture) : 200;
    Console.WriteLine(Report.Controller(await ControllerBench.RunAsync(streams, perAgent, runs, Console.Error.WriteLine)));
}

if (mode is "alerts" or "all")
{
    var count = Option("--alerts") is { } a ? int.Parse(a, CultureInfo.InvariantCulture) : 1000;
    Console.WriteLine(AlertBench.Markdown(await AlertBench.RunAsync(count, Console.Error.WriteLine)));
}

if (mode is "stress" or "all")
{
    // --seconds: the loaded window of each pair (600 for the figures in the README, 0: none); --runs: idle lateness and CPU runs.
    var window = TimeSpan.FromSeconds(Option("--seconds") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : 60);
    // --keepalived-seconds: the keepalived pairs' window, when it should be shorter than the agent's (default: the same).
    var keepalivedWindow = Option("--keepalived-seconds") is { } k ? TimeSpan.FromSeconds(int.Parse(k, CultureInfo.InvariantCulture)) : window;
    // --pairs: a semicolon-separated list of pair names to run (default: every pair).
    var pairs = StressBench.Pairs(Daemon.Agent).Where(p => Option("--pairs") is not { } only || only.Split(';').Contains(p.Name)).ToList();
    var loaded = new List<StressResult>();
    foreach (var pair in pairs)
    {
        var span = pair.Daemon == Daemon.Keepalived ? keepalivedWindow : window;
        if (span > TimeSpan.Zero)
        {
            loaded.Add(await StressBench.UnderLoadAsync(pair, span, Console.Error.WriteLine));
        }
    }

    var lateness = new List<Lateness>();
    var cpu = new List<AdvertCpu>();
    for (var run = 1; run <= runs; run++)
    {
        foreach (var pair in pairs)
        {
            lateness.Add(await StressBench.LatenessAsync(pair, line => Console.Error.WriteLine($"[run {run}/{runs}] {line}")));
            cpu.Add(await StressBench.CpuAsync(pair, TimeSpan.FromSeconds(10), line => Console.Error.WriteLine($"[run {run}/{runs}] {line}")));
        }
    }

    Console.WriteLine(StressBench.Markdown(loaded, lateness, cpu));
}

return 0;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

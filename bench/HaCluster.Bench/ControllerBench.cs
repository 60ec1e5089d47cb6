using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Grpc.Net.Client;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>One run of the controller load: sustained ingest, a push to every node, and the controller's memory.</summary>
internal sealed record ControllerRun(int Streams, long Events, TimeSpan IngestTime, IReadOnlyList<double> PushMs, TimeSpan PushSweep, long IdleRssKiB, long PeakRssKiB)
{
    public double EventsPerSecond => Events / IngestTime.TotalSeconds;
}

/// <summary>
/// N simulated agents (the real protocol over real gRPC streams, no namespaces) against one controller process backed
/// by a throwaway PostgreSQL: events stored per second, the latency of a config push to every node, memory.
/// </summary>
internal static class ControllerBench
{
    private const int EventsPerBatch = 10;

    public static async Task<IReadOnlyList<ControllerRun>> RunAsync(int streams, int eventsPerAgent, int runs, Action<string> log)
    {
        await using var postgres = new BenchPostgres();
        await postgres.StartAsync();
        var results = new List<ControllerRun>();
        for (var run = 1; run <= runs; run++)
        {
            results.Add(await RunOnceAsync(streams, eventsPerAgent, postgres.Server.NewDatabase(), message => log($"[controller run {run}/{runs}] {message}")));
        }

        return results;
    }

    private static async Task<ControllerRun> RunOnceAsync(int streams, int eventsPerAgent, string connectionString, Action<string> log)
    {
        // The 1,000 enrollments all come from this one address: the per-address limit on anonymous calls (300 a
        // minute, for people and scripts) would answer most of them 429. A thousand hosts would each have their own.
        await using var controller = await BenchController.StartAsync(connectionString, new Dictionary<string, string>
        {
            ["Auth:AnonymousRequestsPerMinute"] = "1000000",
        });
        var agents = await ConnectAsync(controller, streams, log);
        try
        {
            await CreateGroupsAsync(controller, agents, log);
            var idle = controller.RssKiB();
            using var sampler = new RssSampler(controller);
            var cpu = controller.CpuTime();
            var (events, ingest) = await IngestAsync(agents, eventsPerAgent, log);
            log($"controller CPU during the ingest: {(controller.CpuTime() - cpu).TotalSeconds:0.0} s of {ingest.TotalSeconds:0.0} s");
            var (push, sweep) = await PushToAllAsync(controller, agents, log);
            return new ControllerRun(streams, events, ingest, push, sweep, idle, sampler.Peak);
        }
        finally
        {
            await Task.WhenAll(agents.Select(a => a.DisposeAsync().AsTask()));
        }
    }

    private static async Task<List<BenchAgent>> ConnectAsync(BenchController controller, int streams, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var channels = new GrpcChannel[streams];
        await Parallel.ForEachAsync(Enumerable.Range(0, streams), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            channels[i] = await controller.EnrollAsync(BenchAgent.NodeName(i)));
        log($"{streams} agents enrolled (token, key, CSR, certificate) in {clock.Elapsed.TotalSeconds:0.0} s");
        clock.Restart();
        var agents = new List<BenchAgent>();
        for (var i = 0; i < streams; i++)
        {
            agents.Add(await BenchAgent.ConnectAsync(channels[i], i));
        }

        await Task.WhenAll(agents.Select(a => a.FirstConfig));
        log($"{streams} streams connected over mTLS (one connection each) and configured in {clock.Elapsed.TotalSeconds:0.0} s");
        return agents;
    }

    /// <summary>Every node in one two-member group; pairs reuse VRIDs (their nodes are disjoint), each group has its own VIP.</summary>
    private static async Task CreateGroupsAsync(BenchController controller, List<BenchAgent> agents, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        for (var g = 0; g < agents.Count / 2; g++)
        {
            var response = await controller.Http.PostAsJsonAsync("/api/v1/groups", GroupDocument.Of(Group(g, 80)), GroupJsonContext.Default.GroupDocument);
            response.EnsureSuccessStatusCode();
        }

        await Task.WhenAll(agents.Take(agents.Count / 2 * 2).Select(a => a.WaitForGroupRevisionAsync(1)));
        log($"{agents.Count / 2} groups created and pushed in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static VipGroup Group(int index, int backupPriority)
    {
        string[] subnets = ["192.0.2", "198.51.100", "203.0.113"];
        // 20..219: clear of the members' own .10 and .11.
        var vip = $"{subnets[index / 200]}.{(index % 200) + 20}/32";
        return new VipGroup($"g{index:0000}", (index % 255) + 1, "eth0", 2, 1, null, true, 0, [new Vip(vip)],
            [new Member(BenchAgent.NodeName(2 * index), "192.0.2.10", 100), new Member(BenchAgent.NodeName((2 * index) + 1), "192.0.2.11", backupPriority)]);
    }

    private static async Task<(long Events, TimeSpan Took)> IngestAsync(List<BenchAgent> agents, int eventsPerAgent, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(agents.Select(a => a.SendEventsAsync(eventsPerAgent, EventsPerBatch)));
        var took = clock.Elapsed;
        long total = (long)agents.Count * eventsPerAgent;
        log($"{total} events stored (every one acknowledged) in {took.TotalSeconds:0.0} s: {total / took.TotalSeconds:0} events/s");
        return (total, took);
    }

    /// <summary>Changes every group at once (a priority each), as fast as the API takes them; per node: PUT sent → config received.</summary>
    private static async Task<(IReadOnlyList<double> Ms, TimeSpan Sweep)> PushToAllAsync(BenchController controller, List<BenchAgent> agents, Action<string> log)
    {
        var groups = agents.Count / 2;
        var sent = new ConcurrentDictionary<int, long>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, groups), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (g, ct) =>
        {
            sent[g] = Stopwatch.GetTimestamp();
            var response = await controller.Http.PutAsJsonAsync($"/api/v1/groups/g{g:0000}", GroupDocument.Of(Group(g, 90)), GroupJsonContext.Default.GroupDocument, ct);
            response.EnsureSuccessStatusCode();
        });
        await Task.WhenAll(agents.Take(groups * 2).Select(a => a.WaitForGroupRevisionAsync(2)));
        var sweep = clock.Elapsed;
        var latencies = agents.Take(groups * 2)
            .Select(a => Stopwatch.GetElapsedTime(sent[a.Index / 2], a.ConfigReceivedAt(2)).TotalMilliseconds)
            .Order().ToList();
        log($"pushed to {latencies.Count} nodes: p50 {Percentile(latencies, 0.5):0} ms, p99 {Percentile(latencies, 0.99):0} ms, sweep {sweep.TotalSeconds:0.00} s");
        return (latencies, sweep);
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>Peak resident memory of the controller while a phase runs, sampled every 100 ms.</summary>
    private sealed class RssSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public RssSampler(BenchController controller) =>
            _timer = new Timer(_ => Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), controller.RssKiB())), null, 0, 100);

        public long Peak => Interlocked.Read(ref _peak);

        public void Dispose() => _timer.Dispose();
    }
}

/// <summary>The throwaway PostgreSQL of the test suite, for the bench.</summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    public PostgresServer Server { get; } = new();

    public async Task StartAsync()
    {
        await Server.InitializeAsync();
        if (Server.SkipReason is { } reason)
        {
            throw new InvalidOperationException($"PostgreSQL cannot run here: {reason}");
        }
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

internal static class RssFormat
{
    public static string MiB(long kib) => (kib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}

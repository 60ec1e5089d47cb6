using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>One alert's way: stored with its event (the controller's clock) → received by the webhook (the receiver's, same host).</summary>
internal sealed record AlertLatency(double StoredToReceivedMs, double EventToReceivedMs);

/// <summary>
/// Alert delivery latency: a simulated agent reports N takeovers (each of its own group, so each alert is its own
/// incident and message), paced at 50 per second, to a controller process on PostgreSQL with a signed webhook channel
/// to a real HTTP receiver on loopback; each alert's time from being stored to being received.
/// </summary>
internal static class AlertBench
{
    public static async Task<IReadOnlyList<AlertLatency>> RunAsync(int count, Action<string> log)
    {
        await using var postgres = new BenchPostgres();
        await postgres.StartAsync();
        await using var hook = WebhookReceiver.Start();
        await using var controller = await BenchController.StartAsync(postgres.Server.NewDatabase(), new Dictionary<string, string>
        {
            ["Alerts:Window"] = "00:00:00",
            ["Alerts:IncidentWindow"] = "00:00:00",
        });
        (await controller.Http.PutAsJsonAsync("/api/v1/alert-channels/bench", new { type = "webhook", url = hook.Url.ToString(), secret = "a-bench-secret-of-some-length" })).EnsureSuccessStatusCode();
        await using var agent = await SimulatedAgent.ConnectAsync(await controller.EnrollAsync("n1"), "n1", ["192.0.2.10/24"]);
        log($"sending {count} takeovers, 50 per second");
        for (var i = 0; i < count; i++)
        {
            await agent.SendEventsAsync(agent.Transition($"HC_b{i}", VrrpState.Backup, VrrpState.Master));
            await Task.Delay(20);
        }

        var received = await hook.WaitForAsync(count, TimeSpan.FromMinutes(2));
        log($"{received.Count} of {count} received");
        return [.. received.Select(r =>
        {
            using var body = JsonDocument.Parse(r.Body);
            var alert = body.RootElement.GetProperty("alerts")[0];
            return new AlertLatency((r.At - alert.GetProperty("storedAt").GetDateTimeOffset()).TotalMilliseconds, (r.At - alert.GetProperty("at").GetDateTimeOffset()).TotalMilliseconds);
        })];
    }

    public static string Markdown(IReadOnlyList<AlertLatency> latencies)
    {
        static string Row(string what, IReadOnlyList<double> values)
        {
            var sorted = values.Order().ToList();
            double Rank(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
            return string.Create(CultureInfo.InvariantCulture, $"| {what} | {sorted.Count} | {Rank(0.5):0.0} ms | {Rank(0.99):0.0} ms | {sorted[^1]:0.0} ms |\n");
        }

        var text = new StringBuilder("| alert latency (webhook on loopback, PostgreSQL) | alerts | p50 | p99 | max |\n|---|---|---|---|---|\n");
        text.Append(Row("stored with its event → received", [.. latencies.Select(l => l.StoredToReceivedMs)]));
        text.Append(Row("the agent's event → received", [.. latencies.Select(l => l.EventToReceivedMs)]));
        return text.ToString();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.TestSupport;

namespace HaCluster.Controller.IntegrationTests;

/// <summary>A real failover of real agents, its webhook alert, and the controller process killed (SIGKILL) before it could deliver.</summary>
public class AlertDeliveryTests
{
    private const string Secret = "a-webhook-secret-of-some-length";

    [SkippableFact]
    public async Task ControllerKilledBetweenFailoverAndDelivery_DeliveredAfterRestart_OncePerIdempotencyKey()
    {
        await using var hook = WebhookReceiver.Start();
        // The receiver fails the first attempt, so the message and its key are fixed in the outbox; the retry waits 3 s.
        hook.Respond = n => n == 1 ? 503 : 200;
        await using var cluster = await ManagedCluster.StartAsync(hosts: 2, settings: new Dictionary<string, string>
        {
            ["Alerts:Window"] = "00:00:00.200",
            ["Alerts:RetryInitial"] = "00:00:03",
            ["Alerts:RetryMax"] = "00:00:03",
        });
        var created = await cluster.Controller.Http.PutAsJsonAsync("/api/v1/alert-channels/hook", new { type = "webhook", url = hook.Url.ToString(), secret = Secret, kinds = new[] { "failover" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await cluster.CreateAsync(cluster.Group("web", 27, "192.0.2.100", 100, 50));
        await cluster.WaitForMasterAsync("web", "n1");
        await hook.WaitForAsync(1, ManagedCluster.Patience); // n1's first takeover, refused with 503
        await cluster.WaitForAsync("the first attempt recorded", async () =>
            (await Deliveries(cluster)).Any(d => d.GetProperty("attempts").GetInt32() == 1 && d.GetProperty("status").GetString() == "pending"));

        await cluster.Controller.Process!.KillAsync();
        await cluster.Agents["n1"].Process.KillAsync(); // a failover while the controller is dead: its alert waits in n2's journal
        Assert.NotNull(await cluster.Lab.WaitForAnswerAsync(IPAddress.Parse("192.0.2.100"), "n2", TimeSpan.FromSeconds(10)));
        await cluster.Controller.RestartAsync();

        await cluster.WaitForAsync("both takeovers delivered", async () =>
            (await Deliveries(cluster)) is var all && all.Count >= 2 && all.All(d => d.GetProperty("status").GetString() == "delivered"));
        await Task.Delay(TimeSpan.FromSeconds(4)); // longer than a retry delay: a duplicate would be here
        var requests = hook.Requests;
        var delivered = requests.Where(r => r.AnsweredWith == 200).Select(r => r.Headers["Idempotency-Key"]).ToList();
        var keys = (await Deliveries(cluster)).Select(d => d.GetProperty("key").GetString()).Distinct().ToList();
        // Each message of the outbox arrived exactly once (a start-up race may add a takeover of its own: then three).
        Assert.Equal(keys.Order(), delivered.Order());
        Assert.Contains(requests[0].Headers["Idempotency-Key"], delivered);
        Assert.Contains(requests, r => r.AnsweredWith == 200 && r.Body.Contains("web: n2 became MASTER", StringComparison.Ordinal));
        Assert.All(requests, r => Assert.True(WebhookReceiver.Verify(Secret, r.Headers["X-HaCluster-Signature"], r.Body, TimeSpan.FromMinutes(5))));
    }

    private static async Task<List<JsonElement>> Deliveries(ManagedCluster cluster) =>
        [.. (await cluster.Controller.GetAsync<JsonElement[]>("/api/v1/alerts")).SelectMany(a => a.GetProperty("deliveries").EnumerateArray())];
}

using HaCluster.Controller.Domain;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>Delivery attempts: which answers of the receiver are retried (with the same idempotency key) and which are not.</summary>
public sealed partial class WebhookAlertTests
{
    /// <summary>Retried: a server error, a timeout answered by the receiver, too many requests.</summary>
    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(408)]
    [InlineData(429)]
    public async Task ReceiverAnswersARetryableStatus_RetriedWithTheSameKey_DeliveredOnce(int status)
    {
        await using var hook = WebhookReceiver.Start();
        hook.Respond = n => n == 1 ? status : 200;
        await using var app = await ControllerApp.StartAsync(Settings());
        await CreateHookAsync(app, hook);
        await using var n1 = await SimulatedAgent.ConnectAsync(app.Agents(), "n1", ["192.0.2.10/24"]);

        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));

        var delivered = await AlertTests.WaitForDeliveryAsync(app, d => d.GetProperty("status").GetString() == "delivered");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a third request would come within the retry delay
        var requests = hook.Requests;
        Assert.Equal([status, 200], requests.Select(r => r.AnsweredWith));
        Assert.Equal(requests[0].Headers["Idempotency-Key"], requests[1].Headers["Idempotency-Key"]);
        Assert.Equal(delivered.GetProperty("key").GetString(), requests[1].Headers["Idempotency-Key"]);
        Assert.Equal(2, delivered.GetProperty("attempts").GetInt32());
    }

    /// <summary>A receiver slower than <c>Alerts:Timeout</c>: the attempt is given up and retried with the same key.</summary>
    [Fact]
    public async Task ReceiverSlowerThanTheTimeout_RetriedWithTheSameKey_DeliveredOnce()
    {
        await using var hook = WebhookReceiver.Start();
        hook.Delay = n => n == 1 ? TimeSpan.FromSeconds(10) : TimeSpan.Zero;
        var settings = Settings();
        settings["Alerts:Timeout"] = "00:00:00.500";
        await using var app = await ControllerApp.StartAsync(settings);
        await CreateHookAsync(app, hook);
        await using var n1 = await SimulatedAgent.ConnectAsync(app.Agents(), "n1", ["192.0.2.10/24"]);

        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));

        var delivered = await AlertTests.WaitForDeliveryAsync(app, d => d.GetProperty("status").GetString() == "delivered");
        var requests = hook.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Headers["Idempotency-Key"], requests[1].Headers["Idempotency-Key"]);
        Assert.Equal(2, delivered.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task ReceiverAnswers400_NotRetried_FailedWithTheReason()
    {
        await using var hook = WebhookReceiver.Start();
        hook.Respond = _ => 400;
        await using var app = await ControllerApp.StartAsync(Settings());
        await CreateHookAsync(app, hook);
        await using var n1 = await SimulatedAgent.ConnectAsync(app.Agents(), "n1", ["192.0.2.10/24"]);

        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));

        var failed = await AlertTests.WaitForDeliveryAsync(app, d => d.GetProperty("status").GetString() == "failed");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // several retry delays: a retry would be here
        Assert.Single(hook.Requests);
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        Assert.Equal("HTTP 400 Bad Request", failed.GetProperty("lastError").GetString());
    }
}

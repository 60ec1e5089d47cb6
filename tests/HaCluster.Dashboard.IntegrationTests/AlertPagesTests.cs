using HaCluster.TestSupport;
using Microsoft.Playwright;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>The alerts pages in Chromium, over the controller's API, against a real HTTP receiver started by the test.</summary>
[Collection(BrowserCollection.Name)]
public class AlertPagesTests(Browser browser) : BrowserTest(browser)
{
    private const string Secret = "a-signing-secret-for-the-dashboard";

    /// <summary>
    /// An admin adds a webhook channel and sends a test alert from the page: the receiver gets it signed, the alerts page
    /// shows it delivered. A failover then opens an incident: a viewer sees it with <i>Acknowledge</i> disabled and the
    /// channels page closed; an operator acknowledges it, and the page says who.
    /// </summary>
    [SkippableFact]
    public async Task TestAlertFromThePage_ArrivesSigned_ThenAnIncident_ViewerCannotAcknowledge_OperatorDoes()
    {
        await using var hook = WebhookReceiver.Start();
        await using var stack = await DashboardStack.StartAsync();
        await stack.AddUserAsync("bob", "viewer");
        await stack.AddUserAsync("olga", "operator");
        var page = await stack.SignedInPageAsync(Browser);

        await page.OpenAsync(stack.Url, "/alerts/channels");
        await page.FillFieldAsync("channel-name", "hook");
        await page.FillFieldAsync("channel-url", hook.Url.ToString());
        await page.FillFieldAsync("channel-secret", Secret);
        await page.GetByTestId("channel-save").ClickAsync();
        var row = page.GetByTestId("channels").Locator("tbody tr").Filter(new LocatorFilterOptions { HasTextString = "hook" });
        await Assertions.Expect(row).ToContainTextAsync("http://127.0.0.1:");
        await Assertions.Expect(row).Not.ToContainTextAsync("/hook");
        await page.SaveScreenshotAsync("alert-channels");

        await page.GetByTestId("test-hook").ClickAsync();

        var request = Assert.Single(await hook.WaitForAsync(1, TimeSpan.FromSeconds(15)));
        Assert.True(WebhookReceiver.Verify(Secret, request.Headers["X-HaCluster-Signature"], request.Body, TimeSpan.FromMinutes(5)));
        Assert.Contains("\"kind\":\"test\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("sent by admin alice", request.Body, StringComparison.Ordinal);
        await page.OpenAsync(stack.Url, "/alerts");
        await Assertions.Expect(page.GetByTestId("alerts").Locator("[data-status=delivered]")).ToContainTextAsync("hook: delivered");

        var n1 = await stack.SimulateAsync("n1", "192.0.2.10");
        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));
        var viewer = await stack.SignedInPageAsync(Browser, "bob");
        await viewer.OpenAsync(stack.Url, "/alerts");
        var incidents = viewer.GetByTestId("incidents");
        await Assertions.Expect(incidents).ToContainTextAsync("web: n1 became MASTER", new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
        await Assertions.Expect(incidents.Locator("button").Filter(new LocatorFilterOptions { HasTextString = "Acknowledge" })).ToBeDisabledAsync();
        await viewer.OpenAsync(stack.Url, "/alerts/channels");
        await Assertions.Expect(viewer.GetByTestId("needs-role")).ToBeVisibleAsync();

        var operatorPage = await stack.SignedInPageAsync(Browser, "olga");
        await operatorPage.OpenAsync(stack.Url, "/alerts");
        await operatorPage.GetByTestId("incidents").Locator("button").Filter(new LocatorFilterOptions { HasTextString = "Acknowledge" }).ClickAsync();
        await Assertions.Expect(operatorPage.GetByTestId("incidents")).ToContainTextAsync("acknowledged by operator olga");
        await Assertions.Expect(operatorPage.GetByTestId("incidents").Locator("button").Filter(new LocatorFilterOptions { HasTextString = "Acknowledge" })).ToHaveCountAsync(0);
        await Assertions.Expect(operatorPage.GetByTestId("alerts").Locator("[data-status=delivered]").Filter(new LocatorFilterOptions { HasTextString = "hook: delivered" })).ToHaveCountAsync(2);
        await operatorPage.SaveScreenshotAsync("alerts");
    }
}

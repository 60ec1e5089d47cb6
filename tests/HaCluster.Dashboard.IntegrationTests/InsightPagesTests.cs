using Google.Protobuf.WellKnownTypes;
using HaCluster.Contracts;
using Microsoft.Playwright;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>"Why did it fail over" and "is it flapping?" in Chromium, over the controller's API, with simulated agents.</summary>
[Collection(BrowserCollection.Name)]
public class InsightPagesTests(Browser browser) : BrowserTest(browser)
{
    private const string Instance = "HC_web";

    /// <summary>
    /// From the group's timeline to the transition's view: the cause, the script with its weight, both nodes' priorities.
    /// Then ten takeovers in a minute: the group page says FLAPPING with its charts, and the flapping alert is listed.
    /// </summary>
    [SkippableFact]
    public async Task TrackedScriptFailover_TheTimelineOpensTheWhyView_ScriptWeightAndBothPriorities_ThenTenFailoversShowFlapping()
    {
        await using var stack = await DashboardStack.StartAsync();
        var n1 = await stack.SimulateAsync("n1", "192.0.2.10");
        var n2 = await stack.SimulateAsync("n2", "192.0.2.11");
        await stack.CreateAsync(DashboardTests.Web);
        await stack.Controller.WaitForAppliedAsync("n1", "n2"); // the transitions below are of revision 1
        await n1.SendEventsAsync(n1.Transition(Instance, VrrpState.Backup, VrrpState.Master, TransitionReason.MasterDownTimer, 100, DateTimeOffset.UtcNow.AddSeconds(-20)));
        await n2.SendEventsAsync(n2.Transition(Instance, VrrpState.Init, VrrpState.Backup, TransitionReason.Startup, 80, DateTimeOffset.UtcNow.AddSeconds(-20)));
        var at = DateTimeOffset.UtcNow;
        var stepDown = n1.Transition(Instance, VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard, 70, at.AddMilliseconds(3));
        stepDown.Breakdown = Breakdown(100, 70, "failed", -30);
        var takeover = n2.Transition(Instance, VrrpState.Backup, VrrpState.Master, TransitionReason.Preempt, 80, at);
        takeover.Breakdown = Breakdown(80, 80, "ok", 0);
        await n2.SendEventsAsync(takeover);
        await n1.SendEventsAsync(stepDown);

        var page = await stack.SignedInPageAsync(Browser);
        await page.OpenAsync(stack.Url, "/groups/web");
        var row = page.GetByTestId("transitions").Locator("tbody tr").Filter(new LocatorFilterOptions { HasTextString = "n2" }).Filter(new LocatorFilterOptions { HasTextString = "BACKUP → MASTER" });
        await row.Locator("a").ClickAsync();

        await Assertions.Expect(page.GetByTestId("cause")).ToContainTextAsync("n2 preempted the master: its priority 80 is higher");
        await Assertions.Expect(page.GetByTestId("breakdown-n2")).ToContainTextAsync("priority 80");
        await Assertions.Expect(page.GetByTestId("breakdown-n1")).ToContainTextAsync("priority 70");
        await Assertions.Expect(page.GetByTestId("track-n1-chk_web")).ToContainTextAsync("weight -30");
        await Assertions.Expect(page.GetByTestId("track-n1-chk_web")).ToContainTextAsync("failed");
        await Assertions.Expect(page.GetByTestId("track-n1-chk_web")).ToContainTextAsync("−30");
        await Assertions.Expect(page.GetByTestId("revision")).ToContainTextAsync("revision 1 of web");
        await Assertions.Expect(page.GetByTestId("around")).ToContainTextAsync("MASTER → BACKUP");
        await page.SaveScreenshotAsync("why");

        // Ten takeovers more within a minute: the group page says FLAPPING with its charts, the alerts page has the alert.
        for (var i = 0; i < 10; i++)
        {
            var (up, down) = i % 2 == 0 ? (n1, n2) : (n2, n1);
            var when = DateTimeOffset.UtcNow;
            var flap = up.Transition(Instance, VrrpState.Backup, VrrpState.Master, TransitionReason.MasterDownTimer, 100, when);
            flap.MasterLastHeardAt = Timestamp.FromDateTimeOffset(when.AddMilliseconds(-(300 + (250 * i))));
            await up.SendEventsAsync(flap);
            await down.SendEventsAsync(down.Transition(Instance, VrrpState.Master, VrrpState.Backup, TransitionReason.HigherPriorityHeard, 100, when.AddMilliseconds(2)));
        }

        await page.OpenAsync(stack.Url, "/groups/web");
        await Assertions.Expect(page.GetByTestId("flapping")).ToHaveAttributeAsync("data-flapping", "true");
        await Assertions.Expect(page.GetByTestId("flapping")).ToContainTextAsync("FLAPPING: 12 takeover(s)");
        await Assertions.Expect(page.GetByTestId("analytics-summary")).ToContainTextAsync("12 takeover(s)");
        Assert.True(await page.GetByTestId("chart-hourly").Locator("svg path, svg rect").CountAsync() > 0);
        Assert.True(await page.GetByTestId("chart-takeovers").Locator("svg path, svg rect").CountAsync() > 0);
        await page.GetByTestId("analytics").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(Browser.ScreenshotDir, "analytics.png") });

        await page.OpenAsync(stack.Url, "/alerts");
        // As many takeovers as were stored when the seventh was (the agents' batches decide: 7 to 12).
        await Assertions.Expect(page.GetByTestId("alerts")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"web: flapping: (7|8|9|10|11|12) takeovers in the last 10 min \(the rule allows 6\)"));
    }

    private static PriorityBreakdown Breakdown(int basePriority, int effective, string state, int delta)
    {
        var breakdown = new PriorityBreakdown { BasePriority = basePriority, EffectivePriority = effective };
        breakdown.Tracks.Add(new TrackPart { Kind = "script", Name = "chk_web", Weight = -30, State = state, Delta = delta });
        return breakdown;
    }
}

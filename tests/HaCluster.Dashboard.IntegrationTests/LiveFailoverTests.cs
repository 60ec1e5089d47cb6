using System.Net;
using System.Text.Json;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.TestSupport;
using Microsoft.Playwright;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>A real agent pair in network namespaces, the controller and the dashboard, watched in Chromium.</summary>
[Collection(BrowserCollection.Name)]
public class LiveFailoverTests(Browser browser) : BrowserTest(browser)
{
    private static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");

    [SkippableFact]
    public async Task SigkillOfTheMaster_TheMasterChipMovesAndTheTimelineGainsTheTakeover_WithoutAReload()
    {
        await using var stack = await DashboardStack.StartAsync(hosts: 2);
        var lab = stack.Lab;
        var agents = await StartAgentsAsync(stack, responders: true);
        await stack.CreateAsync(Web);
        Assert.NotNull(await lab.WaitForAnswerAsync(Vip, "n1", TimeSpan.FromSeconds(20)));

        var page = await stack.SignedInPageAsync(Browser);
        await page.OpenAsync(stack.Url, "/groups/web");
        var members = page.GetByTestId("members");
        await Assertions.Expect(members.GetByTestId("state-n1")).ToHaveAttributeAsync("data-state", "MASTER");
        await Assertions.Expect(page.GetByTestId("band-n1")).ToHaveCountAsync(1);
        // Usually none; one if a start-up race (both agents given the group at once) made n2 master for a moment.
        var n2BandsBefore = await page.GetByTestId("band-n2").CountAsync();
        await page.SaveScreenshotAsync("group-before-failover");
        // A reload would lose this.
        await page.EvaluateAsync("() => window.stillThisPage = true");

        await agents["n1"].Process.KillAsync();

        var options = new LocatorAssertionsToHaveAttributeOptions { Timeout = 15_000 };
        await Assertions.Expect(members.GetByTestId("state-n2")).ToHaveAttributeAsync("data-state", "MASTER", options);
        await Assertions.Expect(members.GetByTestId("state-n1")).ToHaveAttributeAsync("data-state", "UNREACHABLE", options);
        // The newest such row (the table is newest first): a start-up race may have made n2 master for a moment before.
        var takeover = page.GetByTestId("transitions").Locator("tbody tr").Filter(new LocatorFilterOptions { HasTextString = "BACKUP → MASTER" })
            .Filter(new LocatorFilterOptions { HasTextString = "n2" }).First;
        await Assertions.Expect(takeover).ToContainTextAsync("master down timer expired");
        await Assertions.Expect(takeover).ToContainTextAsync(" ms");
        await Assertions.Expect(page.GetByTestId("band-n2")).ToHaveCountAsync(n2BandsBefore + 1);
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillThisPage === true"), "the page was reloaded");
        await page.SaveScreenshotAsync("group-timeline");

        await page.OpenAsync(stack.Url, "/");
        await Assertions.Expect(page.GetByTestId("group-web").GetByTestId("state-n2")).ToHaveAttributeAsync("data-state", "MASTER");
        await page.SaveScreenshotAsync("overview-after-failover");
    }

    /// <summary>
    /// Planned work from the dashboard on real agents, a client pinging the VIP and requesting from it every 10 ms: a
    /// switchover from the group page (nothing lost), its revision and diff, a drill from the Drills page, then a node
    /// drained from the overview after its impact was shown.
    /// </summary>
    [SkippableFact]
    public async Task SwitchoverFromTheGroupPage_NothingLost_ItsRevisionAndDiffShown_ADrillFromTheDrillsPage_ThenDrainFromTheOverviewWithItsImpact()
    {
        await using var stack = await DashboardStack.StartAsync(hosts: 2);
        var lab = stack.Lab;
        await StartAgentsAsync(stack, responders: true);
        await stack.CreateAsync(Web);
        Assert.NotNull(await lab.WaitForAnswerAsync(Vip, "n1", TimeSpan.FromSeconds(20)));
        var page = await stack.SignedInPageAsync(Browser);
        await page.OpenAsync(stack.Url, "/groups/web");
        var members = page.GetByTestId("members");
        await Assertions.Expect(members.GetByTestId("state-n1")).ToHaveAttributeAsync("data-state", "MASTER");

        var load = ClientLoad.Start(lab, Vip, TimeSpan.FromSeconds(6), requests: true);
        await Task.Delay(TimeSpan.FromSeconds(1)); // lets the client run before the switchover
        await page.GetByTestId("switchover").GetByRole(AriaRole.Button).ClickAsync();
        await page.GetByTestId("switchover-to-n2").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("n2 takes the VIPs at once; n1 keeps answering for 300 ms");
        await page.SaveScreenshotAsync("group-switchover-confirm");
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Switch over" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Switched over to n2");
        await Assertions.Expect(members.GetByTestId("state-n2")).ToHaveAttributeAsync("data-state", "MASTER");
        var (pings, lost, requests, failed, _) = await load.ResultAsync();
        Assert.True(pings > 150 && lost == 0, $"{lost} of {pings} pings lost");
        Assert.True(requests > 50 && failed == 0, $"{failed} of {requests} requests failed");

        await Assertions.Expect(page.GetByTestId("primary")).ToContainTextAsync("chosen master n2");
        await Assertions.Expect(page.GetByTestId("revisions").Locator("tbody tr").First).ToContainTextAsync("switchover");
        await page.GetByTestId("diff-2").ClickAsync();
        await Assertions.Expect(page.GetByTestId("revision-diff-n1").Locator(".diff-add")).ToContainTextAsync(["hacluster_primary 192.0.2.11", "hacluster_linger 0.3"]);
        await page.SaveScreenshotAsync("group-revisions");

        // A drill from the Drills page: over to n1 and back to n2, recorded with its figures.
        await page.OpenAsync(stack.Url, "/drills");
        await page.GetByTestId("drill-web").ClickAsync();
        var drills = page.GetByTestId("drills-web");
        await Assertions.Expect(drills.Locator("tbody tr").First).ToContainTextAsync("passed", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await Assertions.Expect(drills.Locator("tbody tr").First).ToContainTextAsync("n2 → n1: took over");
        await page.SaveScreenshotAsync("drills");

        await page.OpenAsync(stack.Url, "/");
        await page.GetByTestId("drain-n2").ClickAsync();
        await Assertions.Expect(page.GetByTestId("drain-impact")).ToContainTextAsync("web: n2 → n1");
        await page.Locator("input[data-testid=drain-reason], [data-testid=drain-reason] input").First.FillAsync("firmware");
        await page.SaveScreenshotAsync("node-drain-impact");
        await page.GetByTestId("drain-start").ClickAsync();
        var card = page.GetByTestId("group-web");
        await Assertions.Expect(card.GetByTestId("state-n1")).ToHaveAttributeAsync("data-state", "MASTER");
        await Assertions.Expect(card.GetByTestId("maintenance-n2")).ToContainTextAsync("maintenance");
        await Assertions.Expect(page.GetByTestId("undrain-n2")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("overview-maintenance");
    }

    /// <summary>An agent frozen (SIGSTOP): its member turns STALE on the overview, with its age, never MASTER; SIGCONT: fresh again.</summary>
    [SkippableFact]
    public async Task AgentFrozen_ItsMemberShowsStaleWithItsAge_NotMaster_ThawedItIsFreshAgain()
    {
        // Stale after 15 s unheard (the default is 30 s): the agents report every 10 s.
        await using var stack = await DashboardStack.StartAsync(hosts: 2, controllerSettings: new Dictionary<string, string> { ["Fleet:StaleAfter"] = "00:00:15" });
        var agents = await StartAgentsAsync(stack);
        await stack.CreateAsync(Web);
        var page = await stack.SignedInPageAsync(Browser);
        await page.OpenAsync(stack.Url, "/");
        var n1 = page.GetByTestId("group-web").GetByTestId("state-n1");
        await Assertions.Expect(n1).ToHaveAttributeAsync("data-state", "MASTER", new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 });

        Assert.True(agents["n1"].Process.Signal(Signals.Stop));
        try
        {
            // 15 s unheard, and a few seconds for the controller's view and the page.
            await Assertions.Expect(n1).ToHaveAttributeAsync("data-state", "STALE", new LocatorAssertionsToHaveAttributeOptions { Timeout = 30_000 });
            await Assertions.Expect(n1).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"STALE · (MASTER|BACKUP) · \d+ seconds ago"));
            await page.SaveScreenshotAsync("overview-stale");
        }
        finally
        {
            agents["n1"].Process.Signal(Signals.Cont);
        }

        await Assertions.Expect(n1).Not.ToHaveAttributeAsync("data-state", "STALE", new LocatorAssertionsToHaveAttributeOptions { Timeout = 20_000 });
    }

    /// <summary>The group of these tests: n1 (100) and n2 (80) of the lab, a VIP with a label, PASS.</summary>
    private static readonly VipGroup Web = new("web", 27, "eth0", 2, 1, "1111", true, 0, [new Vip("192.0.2.100/32", "eth0", "eth0:0")],
        [new Member("n1", "192.0.2.10", 100), new Member("n2", "192.0.2.11", 80)]);

    /// <summary>A managed agent on every host of the lab (with <paramref name="responders"/>, a TCP responder first), all connected.</summary>
    private static async Task<Dictionary<string, AgentProcess>> StartAgentsAsync(DashboardStack stack, bool responders = false)
    {
        var agents = new Dictionary<string, AgentProcess>();
        foreach (var host in stack.Lab.Hosts)
        {
            if (responders)
            {
                await stack.Lab.StartResponderAsync(host);
            }

            agents[host.Name] = await AgentProcess.StartManagedAsync(stack.Lab, host, stack.Controller);
        }

        await WaitAsync(async () => (await stack.Controller.GetAsync<JsonElement[]>("/api/v1/nodes")).Count(n => n.GetProperty("connected").GetBoolean()) == agents.Count);
        return agents;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100); // waits for the controller and the agents (separate processes) get there on their own
        }
    }

    /// <summary>An HMAC group on real agents: the page says which key signs and how old it is (never the key), and each member's verified adverts.</summary>
    [SkippableFact]
    public async Task HmacGroup_PageShowsTheSigningKeyAndItsAge_AndEachMembersVerifiedAdverts_NoKeyInTheHtml()
    {
        await using var stack = await DashboardStack.StartAsync(hosts: 2);
        var lab = stack.Lab;
        await StartAgentsAsync(stack);
        await stack.CreateAsync(Web with { AuthPass = null, Auth = "hmac" });

        var page = await stack.SignedInPageAsync(Browser);
        await page.OpenAsync(stack.Url, "/groups/web");
        await Assertions.Expect(page.GetByTestId("auth")).ToContainTextAsync("HMAC key 1");
        // The agents count every 10 s: the backup's verified adverts appear with the next report.
        await Assertions.Expect(page.GetByTestId("hmac-n2")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("[1-9][0-9]* verified"),
            new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await page.SaveScreenshotAsync("group-hmac");
        var pushed = await File.ReadAllTextAsync(Path.Combine(AgentProcess.StateDir(lab, lab["n2"]), "managed.conf"));
        var key = System.Text.RegularExpressions.Regex.Match(pushed, "key 1 hex:(?<key>[0-9a-f]+)").Groups["key"].Value;
        Assert.Equal(64, key.Length);
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
    }
}

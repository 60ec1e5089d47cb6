using System.Text.Json;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using Microsoft.Playwright;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>The dashboard in Debian's Chromium, over a real controller; nodes from simulated agents.</summary>
[Collection(BrowserCollection.Name)]
public class DashboardTests(Browser browser) : BrowserTest(browser)
{
    [SkippableFact]
    public async Task CreateGroupThroughTheForm_ReviewShowsEachMembersConfig_ThenItIsOnTheOverview()
    {
        await using var stack = await DashboardStack.StartAsync();
        var n1 = await stack.SimulateAsync("n1", "192.0.2.10");
        var n2 = await stack.SimulateAsync("n2", "192.0.2.11");
        var page = await stack.SignedInPageAsync(Browser);

        await page.OpenAsync(stack.Url, "/groups/new");
        await page.FillFieldAsync("field-name", "web");
        await page.FillFieldAsync("field-vrid", "27");
        await page.FillFieldAsync("field-vip-0", "192.0.2.100/32");
        await page.GetByTestId("add-member").ClickAsync();
        await page.SelectAsync("field-member-node-0", "n1");
        await page.GetByTestId("add-member").ClickAsync();
        await page.SelectAsync("field-member-node-1", "n2");
        await page.SaveScreenshotAsync("group-new");
        await page.GetByTestId("review").ClickAsync();

        var review = page.GetByTestId("review-panel");
        await Assertions.Expect(review).ToContainTextAsync("unicast_src_ip 192.0.2.11");
        await Assertions.Expect(page.GetByTestId("diff-n1")).ToContainTextAsync("unicast_src_ip 192.0.2.10");
        await page.SaveScreenshotAsync("group-new-review");
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync("**/groups/web");

        // The agents hear of it and report: the overview shows who is master.
        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));
        await n2.SendEventsAsync(n2.Transition("HC_web", VrrpState.Init, VrrpState.Backup, TransitionReason.Startup, 90));
        await page.OpenAsync(stack.Url, "/");
        var card = page.GetByTestId("group-web");
        await Assertions.Expect(card.GetByTestId("state-n1")).ToHaveAttributeAsync("data-state", "MASTER");
        await Assertions.Expect(card.GetByTestId("state-n2")).ToHaveAttributeAsync("data-state", "BACKUP");
        await Assertions.Expect(card).ToContainTextAsync("192.0.2.100/32");
        await page.SaveScreenshotAsync("overview");
    }

    [SkippableFact]
    public async Task InvalidGroup_TheControllersErrorsShowOnTheirFields_NothingSaved()
    {
        await using var stack = await DashboardStack.StartAsync();
        await stack.SimulateAsync("n1", "192.0.2.10");
        await stack.SimulateAsync("n2", "192.0.2.11");
        var page = await stack.SignedInPageAsync(Browser);

        await page.OpenAsync(stack.Url, "/groups/new");
        await page.FillFieldAsync("field-name", "web");
        await page.FillFieldAsync("field-vrid", "300");
        await page.FillFieldAsync("field-vip-0", "192.0.2.300");
        await page.GetByTestId("add-member").ClickAsync();
        await page.SelectAsync("field-member-node-0", "n1");
        await page.GetByTestId("add-member").ClickAsync();
        await page.SelectAsync("field-member-node-1", "n2");
        await page.FillFieldAsync("field-member-priority-1", "100");
        await page.GetByTestId("review").ClickAsync();

        await Assertions.Expect(Helper(page, "field-vrid")).ToContainTextAsync("300 is not a virtual router id");
        await Assertions.Expect(Helper(page, "field-vip-0")).ToContainTextAsync("192.0.2.300");
        await Assertions.Expect(Helper(page, "field-member-priority-1")).ToContainTextAsync("priority");
        await Assertions.Expect(Helper(page, "field-member-priority-0")).ToContainTextAsync("priority");
        await Assertions.Expect(Helper(page, "field-name")).Not.ToContainTextAsync("not");
        await Assertions.Expect(page.GetByTestId("review-panel")).ToHaveCountAsync(0);
        await page.SaveScreenshotAsync("group-new-errors");
        Assert.Equal("[]", await stack.Controller.Http.GetStringAsync("/api/v1/groups"));
    }

    [SkippableFact]
    public async Task EditPriority_ReviewShowsTheDiffOfOnlyThatMember_SaveThenDeleteWithConfirmation()
    {
        await using var stack = await DashboardStack.StartAsync();
        await stack.SimulateAsync("n1", "192.0.2.10");
        await stack.SimulateAsync("n2", "192.0.2.11");
        await stack.CreateAsync(Web);
        var page = await stack.SignedInPageAsync(Browser);

        await page.OpenAsync(stack.Url, "/groups/web/edit");
        await page.FillFieldAsync("field-member-priority-1", "95");
        await page.GetByTestId("review").ClickAsync();

        await Assertions.Expect(page.GetByTestId("diff-n2").Locator(".diff-del")).ToContainTextAsync("priority 80");
        await Assertions.Expect(page.GetByTestId("diff-n2").Locator(".diff-add")).ToContainTextAsync("priority 95");
        await Assertions.Expect(page.GetByTestId("diff-n1").Locator(".diff-add, .diff-del")).ToHaveCountAsync(0);
        await page.SaveScreenshotAsync("group-edit-diff");
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync("**/groups/web");
        await Assertions.Expect(page.GetByTestId("members")).ToContainTextAsync("95");

        await page.GetByTestId("delete").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("Delete 'web'?");
        await page.SaveScreenshotAsync("group-delete-confirm");
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Delete" }).ClickAsync();
        await page.WaitForURLAsync(new Uri(stack.Url, "/").ToString());
        await Assertions.Expect(page.GetByTestId("group-web")).ToHaveCountAsync(0);
        Assert.Equal("[]", await stack.Controller.Http.GetStringAsync("/api/v1/groups"));
    }

    /// <summary>The stored VRRP password is in no page the dashboard sends: not the group, its configs, the edit form or the diff.</summary>
    [SkippableFact]
    public async Task StoredPassword_InNoPageHtml_TheFormSaysOnlyThatOneIsSet_ASaveWithoutTypingKeepsIt()
    {
        const string Pass = "Zq8secrt";
        await using var stack = await DashboardStack.StartAsync();
        await stack.SimulateAsync("n1", "192.0.2.10");
        await stack.SimulateAsync("n2", "192.0.2.11");
        await stack.CreateAsync(Web with { AuthPass = Pass });
        var page = await stack.SignedInPageAsync(Browser);

        var html = new List<string>();
        await page.OpenAsync(stack.Url, "/groups/web");
        await Assertions.Expect(page.GetByTestId("members")).ToContainTextAsync("n2");
        html.Add(await page.ContentAsync());
        await page.OpenAsync(stack.Url, "/groups/web/edit");
        await Assertions.Expect(page.GetByLabel("auth_pass (set; type to replace)")).ToBeVisibleAsync();
        html.Add(await page.ContentAsync());
        await page.FillFieldAsync("field-member-priority-1", "95");
        await page.GetByTestId("review").ClickAsync();
        await Assertions.Expect(page.GetByTestId("diff-n2").Locator(".diff-add")).ToContainTextAsync("priority 95");
        html.Add(await page.ContentAsync());
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync("**/groups/web");
        html.Add(await page.ContentAsync());

        Assert.All(html, h => Assert.DoesNotContain(Pass, h, StringComparison.Ordinal));
        Assert.Contains("auth_pass (redacted)", html[2], StringComparison.Ordinal);
        // Saved without typing a password: the audit of that update says the stored one is set and unchanged.
        var update = await stack.Controller.Http.GetStringAsync("/api/v1/audit?action=update&target=web");
        Assert.Contains("\\\"authPass\\\":\\\"(redacted)\\\"", update, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ControllerLost_BannerAppears_ThenGoesAwayByItselfWhenItIsBack()
    {
        await using var stack = await DashboardStack.StartAsync();
        await stack.SimulateAsync("n1", "192.0.2.10");
        var page = await stack.SignedInPageAsync(Browser);
        await page.OpenAsync(stack.Url, "/");
        await Assertions.Expect(page.GetByTestId("node-n1")).ToContainTextAsync("connected");

        await stack.Controller.StopAsync();

        await Assertions.Expect(page.GetByTestId("connection-banner")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("overview-controller-lost");
        await stack.Controller.RestartAsync();
        await Assertions.Expect(page.GetByTestId("connection-banner")).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = 20_000 });
    }

    [SkippableFact]
    public async Task EventsFilteredByType_OnlyThoseListed_AndNewOnesArriveLive()
    {
        await using var stack = await DashboardStack.StartAsync();
        var n1 = await stack.SimulateAsync("n1", "192.0.2.10");
        await stack.SimulateAsync("n2", "192.0.2.11");
        await stack.CreateAsync(Web);
        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Init, VrrpState.Backup, TransitionReason.Startup));
        var page = await stack.SignedInPageAsync(Browser);

        await page.OpenAsync(stack.Url, "/events");
        await page.SelectAsync("filter-kind", "transition");
        await page.GetByTestId("filter-apply").ClickAsync();
        var rows = page.GetByTestId("events").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));

        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.First).ToContainTextAsync("master down timer expired");
        await page.SaveScreenshotAsync("events");
    }

    [SkippableFact]
    public async Task RiskyEdit_SavedWithConfirmOrRevert_TheGroupPageSaysWhenItGoesBack_ConfirmKeepsIt()
    {
        await using var stack = await DashboardStack.StartAsync();
        await stack.SimulateAsync("n1", "192.0.2.10");
        await stack.SimulateAsync("n2", "192.0.2.11");
        await stack.CreateAsync(Web);
        var page = await stack.SignedInPageAsync(Browser);

        await page.OpenAsync(stack.Url, "/groups/web/edit");
        await page.FillFieldAsync("field-member-priority-1", "95");
        await page.GetByTestId("review").ClickAsync();
        await page.SelectAsync("confirm-within", "revert unless confirmed within 5 min");
        await page.GetByTestId("save").ClickAsync();
        await page.WaitForURLAsync("**/groups/web");

        await Assertions.Expect(page.GetByTestId("confirm-banner")).ToContainTextAsync("Revision 2 goes back by itself at");
        Assert.NotEqual(JsonValueKind.Null, (await stack.Controller.GetAsync<JsonElement>("/api/v1/groups/web")).GetProperty("confirmBy").ValueKind);
        await page.SaveScreenshotAsync("group-confirm-or-revert");
        await page.GetByTestId("confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-banner")).ToHaveCountAsync(0);
        Assert.Equal(JsonValueKind.Null, (await stack.Controller.GetAsync<JsonElement>("/api/v1/groups/web")).GetProperty("confirmBy").ValueKind);
    }

    [SkippableFact]
    public async Task PhoneAndDarkMode_OverviewStillShowsEveryMember()
    {
        await using var stack = await DashboardStack.StartAsync();
        var n1 = await stack.SimulateAsync("n1", "192.0.2.10");
        await stack.SimulateAsync("n2", "192.0.2.11");
        await stack.CreateAsync(Web);
        await n1.SendEventsAsync(n1.Transition("HC_web", VrrpState.Backup, VrrpState.Master));
        var page = await stack.SignedInPageAsync(Browser, width: 390, height: 844);

        await page.OpenAsync(stack.Url, "/");
        await Assertions.Expect(page.GetByTestId("group-web").GetByTestId("state-n1")).ToHaveAttributeAsync("data-state", "MASTER");
        await page.SaveScreenshotAsync("overview-phone");
        var light = await Background(page);
        await page.GetByTestId("dark-mode").ClickAsync();
        await page.WaitForFunctionAsync($"() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim() !== '{light}'");
        await page.SaveScreenshotAsync("overview-phone-dark");
    }

    internal static readonly VipGroup Web = new("web", 27, "eth0", 2, 1, "1111", true, 0,
        [new Vip("192.0.2.100/32", "eth0", "eth0:0")],
        [new Member("n1", "192.0.2.10", 100), new Member("n2", "192.0.2.11", 80)]);

    private static Task<string> Background(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()");

    /// <summary>The helper/error line under a MudBlazor field.</summary>
    private static ILocator Helper(IPage page, string testId) =>
        page.Locator($".mud-input-control:has([data-testid={testId}])").Locator(".mud-input-helper-text").First;
}

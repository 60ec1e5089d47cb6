using System.Net;
using System.Text.Json;
using HaCluster.TestSupport;
using Microsoft.Playwright;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>
/// Who may use the dashboard and what they see: the sign-in page (local users, lockout, single sign-on against a real
/// OpenID provider), sign-out, and each role's actions — the controller deciding every call, the dashboard only showing it.
/// </summary>
[Collection(BrowserCollection.Name)]
public class SignInTests(Browser browser) : BrowserTest(browser)
{
    [SkippableFact]
    public async Task Anonymous_SentToSignIn_WrongPasswordSaidSo_RightOneShowsUserAndRole_SignOutEndsIt()
    {
        await using var stack = await DashboardStack.StartAsync();
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(new Uri(stack.Url, "/events").ToString());
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
        Assert.Contains("ReturnUrl=%2Fevents", page.Url, StringComparison.Ordinal);
        await page.SaveScreenshotAsync("signin");

        await page.GetByTestId("signin-user").FillAsync(DashboardStack.Admin);
        await page.GetByTestId("signin-password").FillAsync("not the password");
        await page.GetByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signin-error")).ToContainTextAsync("wrong user name or password");
        // The password typed is never sent back in the page.
        Assert.DoesNotContain("not the password", await page.ContentAsync(), StringComparison.Ordinal);

        await page.GetByTestId("signin-user").FillAsync(DashboardStack.Admin);
        await page.GetByTestId("signin-password").FillAsync(DashboardStack.Password);
        await page.GetByTestId("signin-submit").ClickAsync();
        await page.WaitForSelectorAsync("[data-interactive=true]");
        Assert.Equal("/events", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.GetByTestId("signed-in")).ToContainTextAsync("alice · admin");
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "hacluster-session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);

        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync("**/signin");
        await page.GotoAsync(new Uri(stack.Url, "/").ToString());
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "hacluster-session");
    }

    [SkippableFact]
    public async Task FormsWithoutTheirAntiforgeryToken_Refused_NothingHappens_EveryOtherAddressNeedsASignedInPerson()
    {
        await using var stack = await DashboardStack.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.Url };

        // A sign-in posted from elsewhere (login CSRF) carries no antiforgery token.
        var signIn = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["Input.User"] = DashboardStack.Admin,
            ["Input.Password"] = DashboardStack.Password,
        }));
        var health = await http.GetAsync("/healthz");
        var page = await http.GetAsync("/");
        var download = await http.GetAsync("/download/web/n1");
        var signOutAnonymous = await http.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.False(signIn.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("hacluster-session", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // Pages, downloads and sign-out send anonymous callers to sign in.
        foreach (var response in new[] { page, download, signOutAnonymous })
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith(new Uri(stack.Url, "/signin").ToString(), response.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        // A signed-in person's browser made to post a sign-out from another site: refused, still signed in.
        var browserPage = await stack.SignedInPageAsync(Browser);
        var forged = await browserPage.Context.APIRequest.PostAsync(new Uri(stack.Url, "/signout").ToString(),
            new APIRequestContextOptions { Form = browserPage.Context.APIRequest.CreateFormData(), MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        await browserPage.OpenAsync(stack.Url, "/");
        await Assertions.Expect(browserPage.GetByTestId("signed-in")).ToContainTextAsync("alice · admin");
    }

    [SkippableFact]
    public async Task RepeatedWrongPasswords_LockTheUserOut_TheRightOneThenRefusedWithWhy()
    {
        await using var stack = await DashboardStack.StartAsync();
        await stack.AddUserAsync("bob", "viewer");
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(new Uri(stack.Url, "/signin").ToString());
        for (var i = 0; i < 5; i++)
        {
            await page.GetByTestId("signin-user").FillAsync("bob");
            await page.GetByTestId("signin-password").FillAsync($"wrong guess {i}");
            await page.GetByTestId("signin-submit").ClickAsync();
            await Assertions.Expect(page.GetByTestId("signin-error")).ToBeVisibleAsync();
        }

        await page.GetByTestId("signin-user").FillAsync("bob");
        await page.GetByTestId("signin-password").FillAsync(DashboardStack.Password);
        await page.GetByTestId("signin-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("signin-error")).ToContainTextAsync("locked");
        await page.SaveScreenshotAsync("signin-locked-out");
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
        var audit = await stack.Controller.Http.GetStringAsync("/api/v1/audit?action=sign-in.failed&who=bob");
        Assert.Equal(6, JsonDocument.Parse(audit).RootElement.GetArrayLength());
    }

    /// <summary>A viewer sees everything but can change nothing: no Save or Delete that works, each action saying why, and the admin pages closed.</summary>
    [SkippableFact]
    public async Task Viewer_ActionsDisabledWithTheReasonOnHover_AdminPagesClosed_TheControllerRefusesAnyway()
    {
        await using var stack = await DashboardStack.StartAsync();
        await stack.SimulateAsync("n1", "192.0.2.10");
        await stack.SimulateAsync("n2", "192.0.2.11");
        await stack.CreateAsync(DashboardTests.Web);
        await stack.AddUserAsync("bob", "viewer");
        var page = await stack.SignedInPageAsync(Browser, "bob");

        await page.OpenAsync(stack.Url, "/groups/web");
        await Assertions.Expect(page.GetByTestId("members")).ToContainTextAsync("n2");
        await Assertions.Expect(page.GetByTestId("signed-in")).ToContainTextAsync("bob · viewer");
        await Assertions.Expect(page.GetByTestId("delete")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("edit")).ToBeDisabledAsync();
        await page.Locator("[data-why]:has([data-testid=delete])").HoverAsync();
        await Assertions.Expect(page.Locator(".mud-tooltip").Filter(new LocatorFilterOptions { HasTextString = "Deleting groups needs the admin role; you are signed in as viewer." })).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("group-as-viewer");
        Assert.Equal(0, await page.Locator("button:not([disabled])").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex("^\\s*(Save|Delete)") }).CountAsync());

        await page.OpenAsync(stack.Url, "/");
        Assert.Equal("Creating groups needs the admin role; you are signed in as viewer.", await page.Locator("[data-why]:has([data-testid=nav-new-group])").GetAttributeAsync("data-why"));
        await page.GotoAsync(new Uri(stack.Url, "/groups/web/edit").ToString());
        await Assertions.Expect(page.GetByTestId("needs-role")).ToContainTextAsync("needs the admin role; you are signed in as bob (viewer)");
        await Assertions.Expect(page.GetByTestId("save")).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(stack.Url, "/audit").ToString());
        await Assertions.Expect(page.GetByTestId("needs-role")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(stack.Url, "/access").ToString());
        await Assertions.Expect(page.GetByTestId("needs-role")).ToBeVisibleAsync();
        Assert.Single(JsonDocument.Parse(await stack.Controller.Http.GetStringAsync("/api/v1/groups")).RootElement.EnumerateArray());
    }

    /// <summary>An admin's pages over the controller's access API: a user and an API key made in the dashboard, then the audit shows who did it.</summary>
    [SkippableFact]
    public async Task Admin_AddsAUserAndAKeyShownOnce_TheAuditPageListsBothWithTheAdminsName()
    {
        await using var stack = await DashboardStack.StartAsync();
        var page = await stack.SignedInPageAsync(Browser);

        await page.OpenAsync(stack.Url, "/access");
        await page.FillFieldAsync("user-name", "carol");
        await page.SelectAsync("user-role", "operator");
        await page.FillFieldAsync("user-password", "a long enough password");
        await page.GetByTestId("user-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("users")).ToContainTextAsync("carol");
        await page.FillFieldAsync("key-name", "ci");
        await page.GetByTestId("key-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-key")).ToContainTextAsync("hck_");
        await Assertions.Expect(page.GetByTestId("apikeys")).ToContainTextAsync("ci");
        await page.FillFieldAsync("user-name", "dave");
        await page.SelectAsync("user-role", "viewer");
        await page.FillFieldAsync("user-password", "short");
        await page.GetByTestId("user-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("access-error")).ToContainTextAsync("12");
        await page.SaveScreenshotAsync("access");

        await page.OpenAsync(stack.Url, "/audit");
        await Assertions.Expect(page.GetByTestId("audit")).ToContainTextAsync("carol");
        var rows = page.GetByTestId("audit").Locator("tbody tr");
        await Assertions.Expect(rows.Filter(new LocatorFilterOptions { HasTextString = "carol" }).First).ToContainTextAsync("alice");
        await Assertions.Expect(rows.Filter(new LocatorFilterOptions { HasTextString = "apikey" }).First).ToContainTextAsync("alice");
        await page.FillFieldAsync("audit-who", "nobody-at-all");
        await page.GetByTestId("audit-apply").ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit")).ToContainTextAsync("Nothing recorded that matches.");
        await page.SaveScreenshotAsync("audit");
    }

    /// <summary>Single sign-on in Chromium against a real OpenID provider: the provider's login, then the dashboard as that person with the role the provider grants.</summary>
    [SkippableFact]
    public async Task SingleSignOn_ProvidersLoginPage_BackAsThatPersonWithTheirRole_TheControllerServesThem()
    {
        var dashboardUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var provider = await OidcProvider.StartAsync("operator", new Uri(dashboardUrl, "/signin-oidc"));
        await using var stack = await DashboardStack.StartAsync(controllerSettings: provider.ControllerSettings(), dashboardUrl: dashboardUrl,
            dashboardSettings: new Dictionary<string, string>
            {
                ["Auth:Oidc:Authority"] = provider.Issuer,
                ["Auth:Oidc:ClientId"] = OidcProvider.DashboardClient,
                ["Auth:Oidc:ClientSecret"] = OidcProvider.DashboardSecret,
                ["Auth:Oidc:Resource"] = OidcProvider.Audience,
                ["Auth:Oidc:Scopes"] = "openid profile api",
                ["Auth:Oidc:RequireHttpsMetadata"] = "false",
                ["Auth:Oidc:DisplayName"] = "the test provider",
            });
        await stack.SimulateAsync("n1", "192.0.2.10");
        await stack.SimulateAsync("n2", "192.0.2.11");
        await stack.CreateAsync(DashboardTests.Web);
        var page = await Browser.NewPageAsync();

        await page.GotoAsync(new Uri(stack.Url, "/").ToString());
        await page.GetByTestId("signin-sso").ClickAsync();
        // oidc-provider's development login, then its consent.
        await page.Locator("input[name=login]").FillAsync("erin");
        await page.Locator("input[name=password]").FillAsync("anything");
        await page.SaveScreenshotAsync("signin-sso-provider");
        await page.Locator("button[type=submit]").ClickAsync();
        await page.Locator("button[type=submit]").ClickAsync();
        await page.WaitForSelectorAsync("[data-interactive=true]");

        await Assertions.Expect(page.GetByTestId("signed-in")).ToContainTextAsync("erin · operator");
        // The overview comes from the controller's stream, opened with erin's access token.
        await Assertions.Expect(page.GetByTestId("group-web")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("overview-sso");
        var audit = await stack.Controller.Http.GetStringAsync("/api/v1/audit?who=erin");
        Assert.DoesNotContain("\"action\":\"refused\"", audit, StringComparison.Ordinal);
    }
}

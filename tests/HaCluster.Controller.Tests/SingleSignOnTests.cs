using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;

namespace HaCluster.Controller.Tests;

/// <summary>
/// Single sign-on by configuration only, against a real OpenID provider (panva's oidc-provider, run with Node): its JWT
/// access tokens are accepted as bearer tokens, the role taken from a configured claim.
/// </summary>
public sealed class SingleSignOnTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    [SkippableFact]
    public async Task ProvidersToken_ActsAsItsRoleClaim_ATokenWithoutARoleOrTamperedRefusedWithWhy()
    {
        await using var provider = await OidcProvider.StartAsync("viewer");
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings());
        foreach (var (key, value) in provider.ControllerSettings())
        {
            settings[key] = value;
        }

        await using var app = await ControllerApp.StartBareAsync(settings);
        var token = await provider.TokenAsync("hacluster-ci");
        var noRole = await provider.TokenAsync("no-role");

        using var client = Bearer(app, token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        var write = await client.PostAsJsonAsync("/api/v1/groups", new { name = "web" });
        var refused = await Bearer(app, noRole).GetAsync("/api/v1/groups");
        var tampered = await Bearer(app, token[..^6] + "AAAAAA").GetAsync("/api/v1/groups");

        Assert.Equal(("ci-bot", "viewer", "oidc"), (me.GetProperty("name").GetString(), me.GetProperty("role").GetString(), me.GetProperty("via").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("the single sign-on token of nobody-in-particular grants no HaCluster role in its 'hacluster_role' claim (viewer, operator or admin)",
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
    }

    private static HttpClient Bearer(ControllerApp app, string token)
    {
        var client = app.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

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
    private const string Audience = "https://hacluster.test/api";

    [SkippableFact]
    public async Task ProvidersToken_ActsAsItsRoleClaim_ATokenWithoutARoleOrTamperedRefusedWithWhy()
    {
        await using var provider = await OidcProvider.StartAsync("viewer");
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings())
        {
            ["Auth:Oidc:Authority"] = provider.Issuer,
            ["Auth:Oidc:Audience"] = Audience,
            ["Auth:Oidc:RequireHttpsMetadata"] = "false",
            ["Auth:Oidc:RoleClaim"] = "hacluster_role",
            ["Auth:Oidc:NameClaim"] = "preferred_username",
        };
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

    /// <summary>tests/oidc/provider.mjs under Node (its packages installed by .ci/run with npm ci).</summary>
    private sealed class OidcProvider : IAsyncDisposable
    {
        private readonly Process _process;

        private OidcProvider(Process process, string issuer) => (_process, Issuer) = (process, issuer);

        public string Issuer { get; }

        public static async Task<OidcProvider> StartAsync(string role)
        {
            var dir = Path.Combine(Repository.Root, "tests", "oidc");
            if (!Directory.Exists(Path.Combine(dir, "node_modules", "oidc-provider")) || Tools.Find("node") is null)
            {
                const string Reason = "Node and oidc-provider are needed: apt-get install nodejs npm; (cd tests/oidc && npm ci)";
                Assert.False(Environment.GetEnvironmentVariable("HACLUSTER_REQUIRE_PRIVILEGED") == "1", Reason); // CI installs them: there it must run
                Skip.If(true, Reason);
            }
            var port = FreePort.Next();
            var info = Cmd.StartInfo("node", [Path.Combine(dir, "provider.mjs"), port.ToString(System.Globalization.CultureInfo.InvariantCulture), role]);
            info.WorkingDirectory = dir;
            var process = Process.Start(info)!;
            process.StandardInput.Close();
            _ = process.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("listening", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "oidc-provider did not start");
            }

            Assert.True(line is not null, "oidc-provider exited at start");
            return new OidcProvider(process, $"http://127.0.0.1:{port}");
        }

        public async Task<string> TokenAsync(string client)
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, Issuer + "/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "api", ["resource"] = Audience }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{client}:secret-of-{client}")));
            var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}

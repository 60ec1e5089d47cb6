using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace HaCluster.TestSupport;

/// <summary>
/// A real OpenID provider: <c>tests/oidc/provider.mjs</c> (panva's oidc-provider) under Node, its packages installed by
/// .ci/run with <c>npm ci</c>. It issues JWT access tokens for <see cref="Audience"/> carrying the role it was started
/// with in <c>hacluster_role</c>: to clients by the client credentials grant, and — when started with the dashboard's
/// callback — to people who sign in on its development login page (any name, any password) by the code flow.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string Audience = "https://hacluster.test/api";
    public const string DashboardClient = "hacluster-dashboard";
    public const string DashboardSecret = "secret-of-hacluster-dashboard";

    private readonly Process _process;

    private OidcProvider(Process process, string issuer) => (_process, Issuer) = (process, issuer);

    public string Issuer { get; }

    /// <param name="role">What the tokens grant (the <c>hacluster_role</c> claim).</param>
    /// <param name="dashboardCallback">The dashboard's redirect URI (…/signin-oidc), registering the code-flow client.</param>
    public static async Task<OidcProvider> StartAsync(string role, Uri? dashboardCallback = null)
    {
        var dir = Path.Combine(Repository.Root, "tests", "oidc");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "oidc-provider")) || Tools.Find("node") is null)
        {
            const string Reason = "Node and oidc-provider are needed: apt-get install nodejs npm; (cd tests/oidc && npm ci)";
            Assert.False(Environment.GetEnvironmentVariable(Privileges.RequireVariable) == "1", Reason); // CI installs them: there it must run
            Skip.If(true, Reason);
        }

        var port = FreePort.Next();
        var info = Cmd.StartInfo("node", [Path.Combine(dir, "provider.mjs"), port.ToString(CultureInfo.InvariantCulture), role, dashboardCallback?.ToString() ?? ""]);
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
        _ = process.StandardOutput.ReadToEndAsync();
        return new OidcProvider(process, $"http://127.0.0.1:{port}");
    }

    /// <summary>The controller's single sign-on settings for this provider.</summary>
    public IReadOnlyDictionary<string, string> ControllerSettings() => new Dictionary<string, string>
    {
        ["Auth:Oidc:Authority"] = Issuer,
        ["Auth:Oidc:Audience"] = Audience,
        ["Auth:Oidc:RequireHttpsMetadata"] = "false",
        ["Auth:Oidc:RoleClaim"] = "hacluster_role",
        ["Auth:Oidc:NameClaim"] = "preferred_username",
    };

    /// <summary>An access token by the client credentials grant.</summary>
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

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaCluster.Controller.Data;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Pki;

/// <summary>
/// <c>Tls:*</c>. By default the controller is its own CA (key and certificate in <see cref="Dir"/>): it issues its server
/// certificate for <see cref="ServerNames"/> and the agents' certificates at enrollment. A site with its own PKI sets
/// <see cref="ClientCaPath"/> (the CA its agents' and people's certificates chain to) and Kestrel's server certificate
/// (<c>Kestrel:Certificates:Default:Path</c> and <c>KeyPath</c>); enrollment is then off.
/// </summary>
public sealed class TlsOptions
{
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromMinutes(1);

    /// <summary>Where the CA lives; default <c>{Storage:DataDir}/pki</c>.</summary>
    public string? Dir { get; set; }

    /// <summary>Host names and addresses the server certificate is for; default localhost, 127.0.0.1, ::1 and the host's name.</summary>
    public List<string> ServerNames { get; set; } = [];

    public TimeSpan AgentCertificateLifetime { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan ServerCertificateLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a certificate made with <c>hacluster-controller cert create</c> lasts unless <c>--ttl</c> says.</summary>
    public TimeSpan PersonCertificateLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>The site's CA for client certificates (site PKI); null: this controller's own CA.</summary>
    public string? ClientCaPath { get; set; }

    public bool SitePki => !string.IsNullOrEmpty(ClientCaPath);

    public string ResolveDir(StorageOptions storage) => Path.GetFullPath(Dir is { Length: > 0 } dir ? dir : Path.Combine(storage.DataDir, "pki"));

    public IReadOnlyList<string> ResolveServerNames() =>
        ServerNames.Count > 0 ? ServerNames : ["localhost", "127.0.0.1", "::1", Environment.MachineName];
}

/// <summary>Every problem with <see cref="TlsOptions"/>, checked at start.</summary>
internal sealed class TlsOptionsValidator(IConfiguration configuration, IOptions<StorageOptions> storage) : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        var errors = new List<string>();
        Lifetime(errors, "Tls:AgentCertificateLifetime", options.AgentCertificateLifetime, TimeSpan.FromDays(366));
        Lifetime(errors, "Tls:ServerCertificateLifetime", options.ServerCertificateLifetime, TimeSpan.FromDays(397));
        Lifetime(errors, "Tls:PersonCertificateLifetime", options.PersonCertificateLifetime, TimeSpan.FromDays(3660));
        foreach (var server in options.ServerNames.Where(n => !IPAddress.TryParse(n, out _) && Uri.CheckHostName(n) != UriHostNameType.Dns))
        {
            errors.Add($"Tls:ServerNames: '{server}' is neither a host name nor an address");
        }

        if (options.SitePki)
        {
            if (string.IsNullOrEmpty(configuration["Kestrel:Certificates:Default:Path"]))
            {
                errors.Add("Tls:ClientCaPath is set (the site's PKI): Kestrel:Certificates:Default:Path (and KeyPath) must name the server certificate");
            }

            try
            {
                _ = X509Certificate2.CreateFromPem(File.ReadAllText(options.ClientCaPath!));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                errors.Add($"Tls:ClientCaPath: cannot read a PEM certificate from '{options.ClientCaPath}': {e.Message}");
            }
        }
        else if (CertificateAuthority.Problem(options.ResolveDir(storage.Value)) is { } problem)
        {
            errors.Add($"Tls:Dir: {problem}");
        }

        // TLS on every endpoint: a plain one would carry passwords, API keys and tokens in the clear.
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"Kestrel:Endpoints:{endpoint.Key}:Url: '{url}' is not TLS: every endpoint is https:// (https://HOST:PORT, or https://unix:PATH for the agents' socket)");
            }
        }

        foreach (var url in (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"urls (ASPNETCORE_URLS): '{url}' is not TLS: every endpoint is https://");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Lifetime(List<string> errors, string key, TimeSpan value, TimeSpan maximum)
    {
        if (value < TlsOptions.MinimumLifetime || value > maximum)
        {
            errors.Add($"{key}: {value} is not between {TlsOptions.MinimumLifetime} and {maximum.TotalDays:0} days");
        }
    }
}

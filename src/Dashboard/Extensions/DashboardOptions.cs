using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaCluster.Contracts;
using HaCluster.Shared.Tls;
using Microsoft.Extensions.Options;

namespace HaCluster.Dashboard.Extensions;

/// <summary>
/// <c>Controller</c> in appsettings: where the controller's admin API is (TLS), the CA its certificate must chain to,
/// and the dashboard's client certificate (<c>hacluster-controller cert create --role viewer|operator|admin</c>).
/// </summary>
public sealed class DashboardOptions
{
    public string Address { get; set; } = "https://127.0.0.1:5081";

    /// <summary>The controller's CA (its <c>pki/ca.crt</c>, or the <c>ca.crt</c> that <c>cert create</c> writes).</summary>
    public string CaPath { get; set; } = "";

    public string CertificatePath { get; set; } = "";

    public string KeyPath { get; set; } = "";

    public Uri Controller => ControllerAddress.TryParse(Address, out var uri) ? uri : throw new InvalidOperationException($"Controller:Address '{Address}' was not validated");
}

/// <summary>Every problem with <see cref="DashboardOptions"/>, checked at start.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();
        if (!ControllerAddress.TryParse(options.Address, out _, out var problem))
        {
            errors.Add($"Controller:Address: {problem}");
        }

        try
        {
            _ = X509Certificate2.CreateFromPem(File.ReadAllText(options.CaPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            errors.Add($"Controller:CaPath: cannot read the controller's CA from '{options.CaPath}': {e.Message}");
        }

        try
        {
            if (PrivateFiles.TooOpen(options.KeyPath) is { } open)
            {
                errors.Add($"Controller:KeyPath: {open}");
            }
            else
            {
                using var _ = X509Certificate2.CreateFromPemFile(options.CertificatePath, options.KeyPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            errors.Add($"Controller:CertificatePath and KeyPath: cannot read the dashboard's certificate ('{options.CertificatePath}', '{options.KeyPath}'): {e.Message}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The dashboard's side of TLS to the controller: the CA, and its certificate read again when its files change (a renewal).</summary>
internal sealed class DashboardTls(IOptions<DashboardOptions> options)
{
    private readonly Lock _lock = new();
    private (DateTime Written, X509Certificate2 Certificate)? _current;

    public ControllerTls Tls => ControllerTls.Trusting(X509Certificate2.CreateFromPem(File.ReadAllText(options.Value.CaPath)), Certificate);

    private X509Certificate2 Certificate()
    {
        var written = File.GetLastWriteTimeUtc(options.Value.CertificatePath);
        lock (_lock)
        {
            if (_current is not { } current || current.Written != written)
            {
                _current = current = (written, X509Certificate2.CreateFromPemFile(options.Value.CertificatePath, options.Value.KeyPath));
            }

            return current.Certificate;
        }
    }
}

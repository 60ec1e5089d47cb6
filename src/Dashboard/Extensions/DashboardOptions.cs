using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaCluster.Contracts;
using Microsoft.Extensions.Options;

namespace HaCluster.Dashboard.Extensions;

/// <summary>
/// <c>Controller</c> in appsettings: where the controller's API is (TLS) and the CA its certificate must chain to. The
/// dashboard has no credential of its own: every call carries the signed-in person's token.
/// </summary>
public sealed class DashboardOptions
{
    public string Address { get; set; } = "https://127.0.0.1:5081";

    /// <summary>The controller's CA (its <c>pki/ca.crt</c>, or the <c>ca.crt</c> that <c>cert create</c> writes).</summary>
    public string CaPath { get; set; } = "";

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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

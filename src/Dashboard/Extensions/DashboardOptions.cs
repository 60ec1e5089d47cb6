using HaCluster.Contracts;
using Microsoft.Extensions.Options;

namespace HaCluster.Dashboard.Extensions;

/// <summary><c>Controller</c> in appsettings: where the controller's admin API is.</summary>
public sealed class DashboardOptions
{
    public string Address { get; set; } = "http://127.0.0.1:5081";

    public Uri Controller => ControllerAddress.TryParse(Address, out var uri) ? uri : throw new InvalidOperationException($"Controller:Address '{Address}' was not validated");
}

/// <summary>Every problem with <see cref="DashboardOptions"/>, checked at start.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options) =>
        ControllerAddress.TryParse(options.Address, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Controller:Address: '{options.Address}' is not http://HOST:PORT, https://HOST:PORT or unix:/PATH");
}

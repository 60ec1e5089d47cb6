using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKeyEntity>
{
    public void Configure(EntityTypeBuilder<ApiKeyEntity> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(16);
        builder.Property(k => k.SecretHash).HasMaxLength(64);
        builder.Property(k => k.Name).HasMaxLength(64);
        builder.Property(k => k.Role).HasMaxLength(16);
        builder.Property(k => k.CreatedBy).HasMaxLength(256);
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<UserEntity>
{
    public void Configure(EntityTypeBuilder<UserEntity> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Name);
        builder.Property(u => u.Name).HasMaxLength(64);
        builder.Property(u => u.PasswordHash).HasMaxLength(256);
        builder.Property(u => u.Role).HasMaxLength(16);
        builder.Property(u => u.CreatedBy).HasMaxLength(256);
        builder.Property(u => u.Stamp).HasMaxLength(32);
    }
}

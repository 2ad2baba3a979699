using Workbook.Tests.SearchLogs;

namespace Workbook.Tests.AutoML;

/// <summary>A temporary folder and, once asked for, a PostgreSQL schema of its own: experiment stores on both backends.</summary>
internal sealed class TestStores : IDisposable
{
    private PostgresSchema? _schema;

    public string Dir { get; } = Directory.CreateTempSubdirectory("automl-workers-").FullName;

    public string SchemaName => _schema?.Name ?? throw new InvalidOperationException("no PostgreSQL store yet");

    /// <summary>The store of a backend: <c>experiments.db</c> in the folder, or the schema's connection string.</summary>
    public string Store(string backend) => backend == "postgres"
        ? (_schema ??= new PostgresSchema()).ConnectionString
        : Path.Combine(Dir, "experiments.db");

    public void Dispose()
    {
        _schema?.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}

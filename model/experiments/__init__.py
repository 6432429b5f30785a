"""The sweep engine: experiment files (`spec`), designs (`design`), the run plan and its seeds
(`plan`), executors for a local process pool or a Dask cluster (`executors`), the results folder
(`store`), the sweep itself (`sweep`) and analysis of its results (`analysis`)."""

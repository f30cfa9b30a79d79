// esbuild bundles imported CSS into the surface's index.css.
declare module '*.css';

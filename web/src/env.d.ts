/** Vite's `?url` imports: the module's default export is the emitted asset's URL. */
declare module '*?url' {
  const url: string;
  export default url;
}

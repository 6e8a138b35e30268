export { default } from "./map/MapPage";
